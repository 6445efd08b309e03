//! Generic elementwise loops over large arrays, cut into slabs so that
//! Ctrl-C stops them between slabs (see `interp::interrupt`). Small arrays
//! take one `Zip` pass, exactly as before; large ones are written slab by
//! slab into one zero-initialised result (zeroed pages are mapped lazily, so
//! this costs no extra pass and no extra memory). An interrupted loop leaves
//! the rest of the result zero; the caller discards it.

use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, Zip};

use crate::interp::interrupt;

/// Elements per slab: a few milliseconds of the slowest generic loop.
const SLAB: usize = 1 << 20;

/// The axis to cut along and the slab length on it, or `None` when the
/// array is small enough for one pass.
fn plan(shape: &[usize]) -> Option<(usize, usize)> {
    let n: usize = shape.iter().product();
    if n <= SLAB {
        return None;
    }
    // Axis 0 keeps C-contiguous slabs contiguous; a short axis 0 would make
    // slabs too big, so then cut the longest axis.
    let axis = if shape[0] >= 16 { 0 } else { (0..shape.len()).max_by_key(|&i| shape[i]).unwrap_or(0) };
    let per_index = (n / shape[axis].max(1)).max(1);
    Some((axis, (SLAB / per_index).max(1)))
}

/// `f` applied to each element of `a`.
pub fn map1<A: Copy, R: Clone + Default>(a: &ArrayViewD<A>, f: impl Fn(A) -> R) -> ArrayD<R> {
    let Some((axis, len)) = plan(a.shape()) else {
        return a.mapv(f);
    };
    let mut out = ArrayD::from_elem(IxDyn(a.shape()), R::default());
    for (mut o, x) in out.axis_chunks_iter_mut(Axis(axis), len).zip(a.axis_chunks_iter(Axis(axis), len)) {
        if interrupt::pending() {
            break;
        }
        Zip::from(&mut o).and(&x).for_each(|o, &x| *o = f(x));
    }
    out
}

/// `f` applied to pairs of elements of `a` and `b` (of the same shape).
pub fn map2<A: Copy, B: Copy, R: Clone + Default>(
    a: &ArrayViewD<A>,
    b: &ArrayViewD<B>,
    f: impl Fn(A, B) -> R,
) -> ArrayD<R> {
    let Some((axis, len)) = plan(a.shape()) else {
        return Zip::from(a).and(b).map_collect(|&x, &y| f(x, y));
    };
    let mut out = ArrayD::from_elem(IxDyn(a.shape()), R::default());
    let slabs = out.axis_chunks_iter_mut(Axis(axis), len).zip(a.axis_chunks_iter(Axis(axis), len));
    for ((mut o, x), y) in slabs.zip(b.axis_chunks_iter(Axis(axis), len)) {
        if interrupt::pending() {
            break;
        }
        Zip::from(&mut o).and(&x).and(&y).for_each(|o, &x, &y| *o = f(x, y));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Dimension;

    /// Slabbed loops give what one pass gives, for every cut axis.
    #[test]
    fn slabs_equal_one_pass() {
        for shape in [vec![3usize, 700_001], vec![2_000_001], vec![40, 3, 10_000], vec![2, 5, 300_000]] {
            let n: usize = shape.iter().product();
            let a = ArrayD::from_shape_fn(IxDyn(&shape), |i| i.slice().iter().sum::<usize>() as f64);
            let b = ArrayD::from_shape_vec(IxDyn(&shape), (0..n as i64).collect()).unwrap();
            let f = |x: f64, y: i64| x * 3.0 - y as f64;
            let want = Zip::from(&a).and(&b).map_collect(|&x, &y| f(x, y));
            assert_eq!(map2(&a.view(), &b.view(), f), want, "{shape:?}");
            assert_eq!(map1(&a.view(), |x| x + 1.0), a.mapv(|x| x + 1.0), "{shape:?}");
            // Transposed (non-contiguous) input.
            let t = a.t();
            assert_eq!(map1(&t, |x| x * 2.0), t.mapv(|x| x * 2.0), "{shape:?}");
        }
    }
}
