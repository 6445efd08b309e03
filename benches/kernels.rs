//! Micro-benchmarks of npr's numeric kernels: `cargo bench --bench kernels`.
//! Whole-script comparisons with NumPy live in `bench/run.py`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ndarray::Array2;
use npr::ops::kernels::{self, Arith, Src};
use npr::ops::{reduce, simd, transcendental};

/// The allocator the `npr` binary uses, so per-statement figures match it.
#[global_allocator]
static GLOBAL: npr::alloc::Mimalloc = npr::alloc::Mimalloc;

fn inputs(n: usize, lo: f64, hi: f64) -> Vec<f64> {
    let mut s = 0x2545_f491_4f6c_dd1du64;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            lo + (hi - lo) * ((s >> 11) as f64 / (1u64 << 53) as f64)
        })
        .collect()
}

/// exp/log at every SIMD level, against the C library's scalar functions.
fn transcendental_kernels(c: &mut Criterion) {
    let n = 1 << 16;
    let xl = inputs(n, 1e-3, 1e3);
    let xe = inputs(n, -50.0, 50.0);
    let mut out = vec![0.0; n];
    let mut g = c.benchmark_group("transcendental");
    g.throughput(Throughput::Elements(n as u64));
    for level in simd::available_levels() {
        g.bench_function(BenchmarkId::new(format!("log_{level:?}"), n), |b| {
            b.iter(|| simd::log_slice(level, black_box(&xl), &mut out))
        });
        g.bench_function(BenchmarkId::new(format!("exp_{level:?}"), n), |b| {
            b.iter(|| simd::exp_slice(level, black_box(&xe), &mut out))
        });
    }
    g.bench_function(BenchmarkId::new("glibc_ln", n), |b| {
        b.iter(|| black_box(&xl).iter().zip(out.iter_mut()).for_each(|(x, o)| *o = x.ln()))
    });
    g.bench_function(BenchmarkId::new("glibc_exp", n), |b| {
        b.iter(|| black_box(&xe).iter().zip(out.iter_mut()).for_each(|(x, o)| *o = x.exp()))
    });
    g.bench_function(BenchmarkId::new("log_slice_threads", 1 << 20), |b| {
        let x = inputs(1 << 20, 1e-3, 1e3);
        let mut o = vec![0.0; 1 << 20];
        b.iter(|| kernels::exp_log_slices(false, black_box(&x), &mut o))
    });
    let _ = transcendental::log(1.0);
    g.finish();
}

/// NumPy's pairwise sum and elementwise arithmetic (in cache).
fn sum_and_add(c: &mut Criterion) {
    let n = 1 << 16;
    let x = inputs(n, -1.0, 1.0);
    let y = inputs(n, 0.5, 2.0);
    let mut out = vec![0.0; n];
    let mut g = c.benchmark_group("elementwise");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("pairwise_sum_reference", |b| b.iter(|| reduce::pairwise_sum(black_box(&x))));
    for level in simd::available_levels() {
        g.bench_function(format!("pairwise_sum_{level:?}"), |b| b.iter(|| simd::pairwise(level, black_box(&x))));
    }
    g.bench_function("add", |b| {
        b.iter(|| kernels::binary_slices(Arith::Add, Src::Slice(black_box(&x)), Src::Slice(&y), &mut out))
    });
    g.bench_function("divide_scalar", |b| {
        b.iter(|| kernels::binary_slices(Arith::Div, Src::Slice(black_box(&x)), Src::Scalar(3.0), &mut out))
    });
    g.finish();
}

/// `a + b` at 1e7 elements (80 MB each, far beyond the caches): plain
/// stores into a reused vector against a fresh result written with the
/// streaming stores `a + b` uses at this size (run with `NPR_THREADS=1` to
/// compare one thread with one thread).
fn add_large(c: &mut Criterion) {
    let n = 10_000_000;
    let x = inputs(n, -1.0, 1.0);
    let y = inputs(n, 0.5, 2.0);
    let mut out = vec![0.0; n];
    let mut g = c.benchmark_group("add_1e7");
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(20);
    g.bench_function("plain_stores", |b| {
        b.iter(|| kernels::binary_slices(Arith::Add, Src::Slice(black_box(&x)), Src::Slice(&y), &mut out))
    });
    g.bench_function("streaming_stores", |b| {
        b.iter(|| simd::binary_streamed_new(kernels::OP_ADD, Src::Slice(black_box(&x)), Src::Slice(&y), n))
    });
    g.finish();
}

/// Fused BCE and softmax through the interpreter (1e6 elements).
fn fused(c: &mut Criterion) {
    let mut s = npr::Session::new();
    s.run_cell("np.random.seed(0)");
    s.run_cell("Y = (np.random.rand(1000000) > 0.5) * 1.0");
    s.run_cell("A = np.random.rand(1000000) * 0.98 + 0.01");
    s.run_cell("z = np.random.randn(1000, 1000)");
    let mut g = c.benchmark_group("fused");
    g.throughput(Throughput::Elements(1_000_000));
    g.sample_size(20);
    g.bench_function("bce_1e6", |b| b.iter(|| s.run_cell("c = np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))")));
    g.bench_function("softmax_1000x1000", |b| b.iter(|| s.run_cell("e = np.exp(z - z.max(axis=1, keepdims=True))")));
    g.finish();
}

/// Per-statement overhead: parsing, and parsing plus running, the twelve
/// lines of `bench/run.py`'s small-op script, `bench/small_ops.txt` (one
/// iteration = all its lines).
fn statements(c: &mut Criterion) {
    let lines: Vec<&str> = include_str!("../bench/small_ops.txt").lines().filter(|l| !l.trim().is_empty()).collect();
    let mut g = c.benchmark_group("statements");
    g.throughput(Throughput::Elements(lines.len() as u64));
    g.bench_function("parse_12_lines", |b| {
        b.iter(|| lines.iter().map(|l| npr::syntax::parser::parse_cell(black_box(l)).is_ok() as usize).sum::<usize>())
    });
    let mut s = npr::Session::new();
    s.run_cell("a = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])");
    s.run_cell("b = np.array([[0.5, 1.5], [2.5, 3.5], [4.5, 5.5]])");
    g.bench_function("run_12_lines", |b| {
        b.iter(|| lines.iter().map(|l| s.run_cell(black_box(l)).error.is_none() as usize).sum::<usize>())
    });
    g.finish();
    // Each line alone (`cargo bench --bench kernels -- statement_lines`), to see which kind of
    // line costs what. The names are the lines' positions in bench/small_ops.txt.
    let mut g = c.benchmark_group("statement_lines");
    g.measurement_time(std::time::Duration::from_secs(1)).warm_up_time(std::time::Duration::from_millis(300));
    for (k, line) in lines.iter().enumerate() {
        g.bench_function(BenchmarkId::new("parse", k + 1), |b| {
            b.iter(|| npr::syntax::parser::parse_cell(black_box(line)).is_ok())
        });
        g.bench_function(BenchmarkId::new("run", k + 1), |b| b.iter(|| s.run_cell(black_box(line)).error.is_none()));
    }
    g.finish();
}

/// float64 matrix products through gemm.
fn matmul(c: &mut Criterion) {
    let mut g = c.benchmark_group("matmul");
    g.sample_size(10);
    for n in [64usize, 256] {
        let a = Array2::from_shape_vec((n, n), inputs(n * n, -1.0, 1.0)).unwrap();
        let b2 = Array2::from_shape_vec((n, n), inputs(n * n, 0.0, 1.0)).unwrap();
        let mut out = Array2::<f64>::zeros((n, n));
        g.throughput(Throughput::Elements((2 * n * n * n) as u64));
        g.bench_function(BenchmarkId::new("gemm_f64", n), |b| {
            b.iter(|| simd::gemm_f64(a.view(), b2.view(), out.view_mut(), 1))
        });
    }
    g.finish();
}

criterion_group!(benches, transcendental_kernels, sum_and_add, add_large, fused, statements, matmul);
criterion_main!(benches);
