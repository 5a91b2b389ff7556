//! Parsing cost: a valid key (the hot path) and a few malformed ones (the diagnostic path).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pictify_keys::ApiKey;
use std::hint::black_box;

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Elements(1));
    let cases = [
        ("valid_live_32", "pk_live_FAKEy7AjzQHb6BAEcn6zJ4A3DdvH"),
        ("valid_test_128", "pk_test_FAKEv3dNi8LfppWTv5aspzhU8QrTzhJqmHUoZe95b9eGe0vRBbgi09qynDAkY8ISwYDFHL3tVTNYTHPzpppp6uEp3c4dsa7lC360A9y6YnD14TdDo9EgZmCnu77Svtuu"),
        ("trailing_newline", "pk_live_FAKEy7AjzQHb6BAEcn6zJ4A3DdvH\n"),
        ("placeholder", "pk_live_your_api_key"),
        ("foreign_stripe", "sk_live_FAKEy7AjzQHb6BAEcn6zJ4A3DdvH"),
    ];
    for (name, input) in cases {
        group.bench_function(name, |b| b.iter(|| ApiKey::parse(black_box(input)).is_ok()));
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
