//! `--positions`: a comma-separated list of numbers, or `@FILE` with one number per line.

use std::path::Path;

use crate::errors::CliError;

/// Parses the value of `--positions`. Every position must be a finite number; the list may
/// not be empty.
pub(crate) fn parse(value: &str) -> Result<Vec<f64>, CliError> {
    let positions = match value.strip_prefix('@') {
        Some(path) => parse_file(Path::new(path))?,
        None => parse_list(value)?,
    };
    if positions.is_empty() {
        return Err(CliError::invalid(format!(
            "--positions '{value}' gives no positions"
        )));
    }
    Ok(positions)
}

/// `-1.5,0,2`: items separated by commas, spaces around them allowed; every item must be a
/// finite number. (An empty string is one empty item, an error.)
///
/// ```
/// assert_eq!(posenc_cli::positions::parse_list(" -1.5, 0,2").unwrap(), [-1.5, 0.0, 2.0]);
/// assert!(posenc_cli::positions::parse_list("1,nan").is_err());
/// ```
pub fn parse_list(list: &str) -> Result<Vec<f64>, CliError> {
    list.split(',')
        .enumerate()
        .map(|(index, item)| {
            parse_number(item.trim())
                .map_err(|why| CliError::invalid(format!("--positions item {}: {why}", index + 1)))
        })
        .collect()
}

/// One number per line; blank lines and lines starting with `#` are skipped.
fn parse_file(path: &Path) -> Result<Vec<f64>, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::io_path("cannot read positions file", path, e))?;
    text.lines()
        .enumerate()
        .map(|(index, line)| (index, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(index, line)| {
            parse_number(line).map_err(|why| {
                CliError::invalid(format!("{}:{}: {why}", path.display(), index + 1))
            })
        })
        .collect()
}

/// A finite `f64`, or the reason it is not one.
fn parse_number(text: &str) -> Result<f64, String> {
    if text.is_empty() {
        return Err("empty position".to_owned());
    }
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        Ok(_) => Err(format!("position '{text}' is not finite")),
        Err(_) => Err(format!("cannot read '{text}' as a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_with_negative_and_fractional_positions() {
        assert_eq!(parse("-1.5,0,2").unwrap(), [-1.5, 0.0, 2.0]);
        assert_eq!(parse(" 3 , 1e3").unwrap(), [3.0, 1000.0]);
    }

    #[test]
    fn bad_lists_name_the_item() {
        let message = |v: &str| parse(v).unwrap_err().to_string();
        assert_eq!(
            message("1,x"),
            "--positions item 2: cannot read 'x' as a number"
        );
        assert_eq!(message("1,,2"), "--positions item 2: empty position");
        assert_eq!(
            message("nan"),
            "--positions item 1: position 'nan' is not finite"
        );
        assert_eq!(
            message("1,-inf"),
            "--positions item 2: position '-inf' is not finite"
        );
        assert_eq!(message(""), "--positions item 1: empty position");
    }

    #[test]
    fn files_skip_blank_and_comment_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.txt");
        std::fs::write(&path, "# timesteps\n0.5\n\n-2\n  7  \n").unwrap();
        assert_eq!(
            parse(&format!("@{}", path.display())).unwrap(),
            [0.5, -2.0, 7.0]
        );
        std::fs::write(&path, "1\n2\nthree\n").unwrap();
        let message = parse(&format!("@{}", path.display()))
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            format!("{}:3: cannot read 'three' as a number", path.display())
        );
        std::fs::write(&path, "# nothing\n").unwrap();
        assert!(parse(&format!("@{}", path.display())).is_err());
    }
}
