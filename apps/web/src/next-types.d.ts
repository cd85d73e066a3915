// Next's ambient types, committed so typecheck and lint never read next-env.d.ts or a
// build folder: a web build running beside them (npm test starts the e2e build early)
// rewrites both.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
