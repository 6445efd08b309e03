//! NumPy semantics on arrays: dtype conversion, broadcasting, elementwise
//! ufuncs, reductions, linear algebra and indexing.

pub mod broadcast;
pub mod cast;
pub mod index;
pub mod linalg;
pub mod reduce;
pub mod transcendental;
pub mod ufunc;
