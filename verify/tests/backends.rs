//! The one suite (`posenc_verify::backend_suite!`: the golden file and the property tests), run
//! over every backend.

posenc_verify::backend_suite!(core, posenc_verify::Core);
posenc_verify::backend_suite!(simd, posenc_verify::Simd);
posenc_verify::backend_suite!(wide, posenc_verify::Wide);
posenc_verify::backend_suite!(portable, posenc_verify::Portable);
posenc_verify::backend_suite!(parallel, posenc_verify::Parallel);
posenc_verify::backend_suite!(fixed, posenc_verify::backend_fixed::Fixed);
