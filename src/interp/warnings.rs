//! What a cell prints while it runs: `print()` text and warnings, in order.
//! Kernels deep inside `ops` report warnings here and `print` writes here;
//! the session drains the list after each cell, so the core never prints.

use std::cell::RefCell;

/// One warning: its category (`RuntimeWarning`) and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub category: &'static str,
    pub message: String,
    /// Where it was raised; identical warnings from different places
    /// (different lines of NumPy's Python code) are all shown, as in Python.
    pub location: &'static str,
}

/// Something a cell emitted while running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Stdout(String),
    Warning(Warning),
}

thread_local! {
    static PENDING: RefCell<Vec<Event>> = const { RefCell::new(Vec::new()) };
}

/// Record a warning. Like Python's default filter inside one cell, an
/// identical warning is kept once.
pub fn warn(category: &'static str, message: impl Into<String>) {
    warn_at(category, message, "");
}

/// Record a warning raised at a named place.
pub fn warn_at(category: &'static str, message: impl Into<String>, location: &'static str) {
    let w = Event::Warning(Warning { category, message: message.into(), location });
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        if !p.contains(&w) {
            p.push(w);
        }
    });
}

pub fn warn_runtime(message: impl Into<String>) {
    warn("RuntimeWarning", message);
}

/// Record printed text.
pub fn stdout(text: impl Into<String>) {
    let text = text.into();
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        if let Some(Event::Stdout(prev)) = p.last_mut() {
            prev.push_str(&text);
        } else {
            p.push(Event::Stdout(text));
        }
    });
}

/// Take all pending events.
pub fn drain() -> Vec<Event> {
    PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()))
}
