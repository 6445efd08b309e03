//! Micro-benchmarks of npr's numeric kernels: `cargo bench --bench kernels`.
//! (Whole-script comparisons with NumPy live in `bench/`.)

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use npr::ops::{simd, transcendental};

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

fn transcendental_kernels(c: &mut Criterion) {
    let n = 1 << 16;
    let xl = inputs(n, 1e-3, 1e3);
    let xe = inputs(n, -50.0, 50.0);
    let mut out = vec![0.0; n];
    let mut g = c.benchmark_group("transcendental");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("log_slice", n), |b| {
        b.iter(|| transcendental::log_slice(black_box(&xl), &mut out))
    });
    for level in simd::available_levels() {
        g.bench_function(BenchmarkId::new(format!("log_slice_{level:?}"), n), |b| {
            b.iter(|| simd::log_slice(level, black_box(&xl), &mut out))
        });
        g.bench_function(BenchmarkId::new(format!("exp_slice_{level:?}"), n), |b| {
            b.iter(|| simd::exp_slice(level, black_box(&xe), &mut out))
        });
    }
    g.bench_function(BenchmarkId::new("glibc_ln", n), |b| {
        b.iter(|| black_box(&xl).iter().zip(out.iter_mut()).for_each(|(x, o)| *o = x.ln()))
    });
    g.bench_function(BenchmarkId::new("exp_slice", n), |b| {
        b.iter(|| transcendental::exp_slice(black_box(&xe), &mut out))
    });
    g.bench_function(BenchmarkId::new("glibc_exp", n), |b| {
        b.iter(|| black_box(&xe).iter().zip(out.iter_mut()).for_each(|(x, o)| *o = x.exp()))
    });
    g.finish();
}

criterion_group!(benches, transcendental_kernels);
criterion_main!(benches);
