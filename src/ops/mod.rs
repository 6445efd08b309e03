//! NumPy semantics on arrays: dtype conversion, broadcasting, elementwise
//! ufuncs, reductions, linear algebra and indexing.

pub mod broadcast;
pub mod cast;
pub mod fused;
pub mod index;
pub mod kernels;
pub mod linalg;
pub mod parallel;
pub mod reduce;
pub mod simd;
pub mod slabs;
pub mod transcendental;
pub mod transcendental_tables;
pub mod ufunc;
