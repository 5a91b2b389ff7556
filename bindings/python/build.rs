//! Gives this crate pyo3's interpreter cfgs (`Py_LIMITED_API`, `Py_3_10`, `PyPy`, …), so
//! `src/text.rs` declares `PyUnicode_AsUTF8AndSize` itself only where pyo3 does not: in a
//! limited-API build for CPython below 3.10 (the abi3-py39 wheel).

fn main() {
    pyo3_build_config::use_pyo3_cfgs();
}
