//! Dtype conversions of array views, written once for every dtype pair.

use ndarray::{ArrayD, CowArray, IxDyn};

use crate::value::{AView, ArrayData, DType};

/// View as float64 (borrowing when it already is).
pub fn as_f64<'a>(v: &AView<'a>) -> CowArray<'a, f64, IxDyn> {
    match v {
        AView::Float(a) => CowArray::from(a.clone()),
        AView::Int(a) => CowArray::from(a.mapv(|x| x as f64)),
        AView::Bool(a) => CowArray::from(a.mapv(|x| x as u8 as f64)),
    }
}

/// View as int64. Floats truncate toward zero; nan and out-of-range values
/// become `i64::MIN` as NumPy's cast does (the caller warns).
pub fn as_i64<'a>(v: &AView<'a>) -> CowArray<'a, i64, IxDyn> {
    match v {
        AView::Int(a) => CowArray::from(a.clone()),
        AView::Float(a) => CowArray::from(a.mapv(float_to_i64)),
        AView::Bool(a) => CowArray::from(a.mapv(|x| x as i64)),
    }
}

/// View as bool (non-zero is True).
pub fn as_bool<'a>(v: &AView<'a>) -> CowArray<'a, bool, IxDyn> {
    match v {
        AView::Bool(a) => CowArray::from(a.clone()),
        AView::Int(a) => CowArray::from(a.mapv(|x| x != 0)),
        AView::Float(a) => CowArray::from(a.mapv(|x| x != 0.0)),
    }
}

/// C's `(long)x` as NumPy does it on x86-64: out of range and nan give `i64::MIN`.
pub fn float_to_i64(x: f64) -> i64 {
    if float_cast_invalid(x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// Does casting this float to int64 lose it entirely (nan/inf/out of range)?
pub fn float_cast_invalid(x: f64) -> bool {
    !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&x)
}

/// An owned copy converted to `dtype`.
pub fn cast_data(v: &AView, dtype: DType) -> ArrayData {
    match dtype {
        DType::Float64 => ArrayData::Float(as_f64(v).into_owned()),
        DType::Int64 => ArrayData::Int(as_i64(v).into_owned()),
        DType::Bool => ArrayData::Bool(as_bool(v).into_owned()),
    }
}

/// Build a 0-d array. (`arr0` takes about 18 ns, `from_elem` with an
/// empty `IxDyn` shape 32: every Python number meeting an array is one.)
pub fn zero_d<T: Clone>(x: T) -> ArrayD<T> {
    ndarray::arr0(x).into_dyn()
}
