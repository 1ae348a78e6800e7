//! The one property suite (`posenc_verify::backend_suite!`), run over every backend.

posenc_verify::backend_suite!(core, posenc_verify::Core);
posenc_verify::backend_suite!(simd, posenc_verify::Simd);
posenc_verify::backend_suite!(portable, posenc_verify::Portable);
posenc_verify::backend_suite!(parallel, posenc_verify::Parallel);
posenc_verify::backend_suite!(fixed, posenc_verify::backend_fixed::Fixed);
