//! `NdArray`: NumPy's reference semantics on top of ndarray.
//!
//! `b = a` shares the array, and basic slices, `.T` and `reshape` of a
//! contiguous array are *views*: writing through them changes the base. An
//! `NdArray` is therefore a handle: a shared base buffer plus the list of
//! view operations that lead from the base to this view. The operations are
//! re-applied (cheaply, on ndarray views) at every access, which keeps all
//! of this in safe code.

use std::cell::RefCell;
use std::rc::Rc;

use ndarray::{ArrayBase, ArrayD, Axis, IxDyn, RawData, Slice};

use super::data::{AView, ArrayData, DType};

/// One step from a base array to a view of it.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewOp {
    Slice { axis: usize, slice: Slice },
    Index { axis: usize, index: usize },
    NewAxis { axis: usize },
    Permute(Vec<usize>),
    Reshape(Vec<usize>),
}

/// A mutable borrowed view of any dtype.
pub enum AViewMut<'a> {
    Bool(ndarray::ArrayViewMutD<'a, bool>),
    Int(ndarray::ArrayViewMutD<'a, i64>),
    Float(ndarray::ArrayViewMutD<'a, f64>),
}

#[derive(Debug, Clone)]
pub struct NdArray {
    base: Rc<RefCell<ArrayData>>,
    ops: Rc<Vec<ViewOp>>,
    /// NumPy's `writeable=False` (broadcast_to results, diagonal views).
    readonly: bool,
}

fn apply_ops<S: RawData>(mut v: ArrayBase<S, IxDyn>, ops: &[ViewOp]) -> ArrayBase<S, IxDyn> {
    for op in ops {
        v = match op {
            ViewOp::Slice { axis, slice } => {
                v.slice_axis_inplace(Axis(*axis), *slice);
                v
            }
            ViewOp::Index { axis, index } => v.index_axis_move(Axis(*axis), *index),
            ViewOp::NewAxis { axis } => v.insert_axis(Axis(*axis)),
            ViewOp::Permute(p) => v.permuted_axes(IxDyn(p)),
            // Validity (contiguity, size) is checked when the op is created;
            // the base never changes shape, so this cannot fail.
            ViewOp::Reshape(shape) => match v.into_shape_with_order(IxDyn(shape)) {
                Ok(r) => r,
                Err(_) => unreachable!("reshape view validated at creation"),
            },
        };
    }
    v
}

thread_local! {
    /// The (empty) view operations of every whole array, shared: a fresh
    /// `Rc` for each result would be an allocation per array.
    static NO_OPS: Rc<Vec<ViewOp>> = Rc::new(Vec::new());
}

impl NdArray {
    pub fn new(data: ArrayData) -> NdArray {
        NdArray { base: Rc::new(RefCell::new(data)), ops: NO_OPS.with(Rc::clone), readonly: false }
    }

    pub fn from_f64(a: ArrayD<f64>) -> NdArray {
        NdArray::new(ArrayData::Float(a))
    }
    pub fn from_i64(a: ArrayD<i64>) -> NdArray {
        NdArray::new(ArrayData::Int(a))
    }
    pub fn from_bool(a: ArrayD<bool>) -> NdArray {
        NdArray::new(ArrayData::Bool(a))
    }

    /// Run `f` on a borrowed view of this array.
    pub fn with_view<R>(&self, f: impl FnOnce(AView<'_>) -> R) -> R {
        let base = self.base.borrow();
        let ops = &self.ops[..];
        match &*base {
            ArrayData::Bool(a) => f(AView::Bool(apply_ops(a.view(), ops))),
            ArrayData::Int(a) => f(AView::Int(apply_ops(a.view(), ops))),
            ArrayData::Float(a) => f(AView::Float(apply_ops(a.view(), ops))),
        }
    }

    /// Run `f` on a mutable view (writes go to the base, as in NumPy).
    pub fn with_view_mut<R>(&self, f: impl FnOnce(AViewMut<'_>) -> R) -> R {
        let mut base = self.base.borrow_mut();
        let ops = &self.ops[..];
        match &mut *base {
            ArrayData::Bool(a) => f(AViewMut::Bool(apply_ops(a.view_mut(), ops))),
            ArrayData::Int(a) => f(AViewMut::Int(apply_ops(a.view_mut(), ops))),
            ArrayData::Float(a) => f(AViewMut::Float(apply_ops(a.view_mut(), ops))),
        }
    }

    pub fn dtype(&self) -> DType {
        self.base.borrow().dtype()
    }

    pub fn shape(&self) -> Vec<usize> {
        if self.ops.is_empty() {
            return self.base.borrow().shape().to_vec();
        }
        self.with_view(|v| v.shape().to_vec())
    }

    pub fn ndim(&self) -> usize {
        if self.ops.is_empty() {
            return self.base.borrow().shape().len();
        }
        self.with_view(|v| v.shape().len())
    }

    pub fn size(&self) -> usize {
        if self.ops.is_empty() {
            return self.base.borrow().shape().iter().product();
        }
        self.with_view(|v| v.shape().iter().product())
    }

    /// Identifies the base buffer (equal for handles that share it).
    pub fn base_id(&self) -> usize {
        Rc::as_ptr(&self.base) as *const () as usize
    }

    /// An owned copy of the data (standard layout).
    pub fn to_data(&self) -> ArrayData {
        if self.ops.is_empty() {
            return self.base.borrow().clone();
        }
        self.with_view(|v| v.to_owned())
    }

    /// True when both handles share one base buffer.
    pub fn shares_memory(&self, other: &NdArray) -> bool {
        Rc::ptr_eq(&self.base, &other.base)
    }

    /// Is this a whole, writeable base that exactly `handles` handles
    /// share (no other name, view, container or history entry)? Then a
    /// caller holding all of them may overwrite it.
    pub fn is_unshared(&self, handles: usize) -> bool {
        self.ops.is_empty() && !self.readonly && Rc::strong_count(&self.base) == handles
    }

    /// Run `f` on the base's elements as one slice (C order), if this is a
    /// C-contiguous float64 base.
    pub fn with_f64_base_mut<R>(&self, f: impl FnOnce(&mut [f64]) -> R) -> Option<R> {
        if !self.ops.is_empty() {
            return None;
        }
        match &mut *self.base.borrow_mut() {
            ArrayData::Float(a) => a.as_slice_mut().map(f),
            _ => None,
        }
    }

    /// Run `f` on the base's float64 array, if this is a whole float64
    /// base (not a view, not another dtype).
    pub fn with_f64_base<R>(&self, f: impl FnOnce(&ndarray::ArrayD<f64>) -> R) -> Option<R> {
        if !self.ops.is_empty() {
            return None;
        }
        match &*self.base.borrow() {
            ArrayData::Float(a) => Some(f(a)),
            _ => None,
        }
    }

    /// Is this the whole base (not a view)?
    pub fn is_base(&self) -> bool {
        self.ops.is_empty()
    }

    /// A view of the same base with one more operation applied.
    pub fn derive(&self, op: ViewOp) -> NdArray {
        let mut ops = (*self.ops).clone();
        ops.push(op);
        NdArray { base: Rc::clone(&self.base), ops: Rc::new(ops), readonly: self.readonly }
    }

    /// The same array marked read-only.
    pub fn into_readonly(mut self) -> NdArray {
        self.readonly = true;
        self
    }

    pub fn is_readonly(&self) -> bool {
        self.readonly
    }

    /// NumPy's `.base`: the array this one is a view of, or None.
    pub fn base_array(&self) -> Option<NdArray> {
        (!self.ops.is_empty()).then(|| NdArray {
            base: Rc::clone(&self.base),
            ops: NO_OPS.with(Rc::clone),
            readonly: false,
        })
    }

    /// Is the current view C-contiguous (so `reshape` can be a view)?
    pub fn is_c_contiguous(&self) -> bool {
        self.with_view(|v| match v {
            AView::Bool(a) => a.is_standard_layout(),
            AView::Int(a) => a.is_standard_layout(),
            AView::Float(a) => a.is_standard_layout(),
        })
    }
}
