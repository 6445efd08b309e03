//! Array storage: one ndarray per dtype. Everything that needs to handle
//! "an array of any dtype" matches on these enums once.

use ndarray::{ArrayD, ArrayViewD};

/// The dtypes npr computes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DType {
    Bool,
    Int64,
    Float64,
}

impl DType {
    /// NumPy's name: `bool`, `int64`, `float64`.
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::Int64 => "int64",
            DType::Float64 => "float64",
        }
    }
    pub fn itemsize(self) -> usize {
        match self {
            DType::Bool => 1,
            DType::Int64 | DType::Float64 => 8,
        }
    }
}

/// An owned n-dimensional array of one of npr's dtypes.
#[derive(Debug, Clone, PartialEq)]
pub enum ArrayData {
    Bool(ArrayD<bool>),
    Int(ArrayD<i64>),
    Float(ArrayD<f64>),
}

/// A borrowed view of an array of one of npr's dtypes.
#[derive(Debug, Clone)]
pub enum AView<'a> {
    Bool(ArrayViewD<'a, bool>),
    Int(ArrayViewD<'a, i64>),
    Float(ArrayViewD<'a, f64>),
}

impl ArrayData {
    pub fn dtype(&self) -> DType {
        match self {
            ArrayData::Bool(_) => DType::Bool,
            ArrayData::Int(_) => DType::Int64,
            ArrayData::Float(_) => DType::Float64,
        }
    }
    pub fn shape(&self) -> &[usize] {
        match self {
            ArrayData::Bool(a) => a.shape(),
            ArrayData::Int(a) => a.shape(),
            ArrayData::Float(a) => a.shape(),
        }
    }
    pub fn view(&self) -> AView<'_> {
        match self {
            ArrayData::Bool(a) => AView::Bool(a.view()),
            ArrayData::Int(a) => AView::Int(a.view()),
            ArrayData::Float(a) => AView::Float(a.view()),
        }
    }
}

impl<'a> AView<'a> {
    pub fn dtype(&self) -> DType {
        match self {
            AView::Bool(_) => DType::Bool,
            AView::Int(_) => DType::Int64,
            AView::Float(_) => DType::Float64,
        }
    }
    pub fn shape(&self) -> &[usize] {
        match self {
            AView::Bool(a) => a.shape(),
            AView::Int(a) => a.shape(),
            AView::Float(a) => a.shape(),
        }
    }
    pub fn to_owned(&self) -> ArrayData {
        match self {
            AView::Bool(a) => ArrayData::Bool(a.to_owned()),
            AView::Int(a) => ArrayData::Int(a.to_owned()),
            AView::Float(a) => ArrayData::Float(a.to_owned()),
        }
    }
}
