//! Random number generation compatible with NumPy's legacy `np.random`.

pub mod legacy;
