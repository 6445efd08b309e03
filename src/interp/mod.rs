//! The interpreter: owns the namespace, print options, the random state and
//! the In/Out history, and turns one cell of source into a [`CellOutcome`].
//! It never prints: `print()` output and warnings become events.

pub mod call;
pub mod error;
pub mod eval;
pub mod exec;
pub mod interrupt;
pub mod pyops;
pub mod warnings;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use crate::display::options::PrintOptions;
use crate::display::RenderOptions;
use crate::random::legacy::LegacyRandom;
use crate::syntax::{ast, parser};
use crate::value::{Module, Value};
use error::{ExcType, PyErr};
pub use warnings::Event;

thread_local! {
    static INJECT_PANIC: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Test hook: make the next cell run on this thread panic inside
/// evaluation, to prove that a panic becomes an error and the session lives.
#[doc(hidden)]
pub fn inject_panic_on_next_cell() {
    INJECT_PANIC.with(|p| p.set(true));
}

/// Python's default recursion limit.
pub const RECURSION_LIMIT: usize = 1000;

/// What running one cell produced.
#[derive(Debug, Clone)]
pub struct CellOutcome {
    /// The `In [n]` number of this cell.
    pub number: usize,
    /// Printed text and warnings, in order.
    pub events: Vec<Event>,
    /// The value IPython would show as `Out[n]` (None when hidden).
    pub value: Option<Value>,
    pub error: Option<PyErr>,
}

pub use crate::value::Frame;

/// The interpreter state that lives across cells.
/// The session's namespace. Hashed (FNV) rather than ordered: a loop body
/// looks several names up per statement, and a B-tree's string comparisons
/// were a tenth of `c = a + b` on (1, 8) arrays. Listings sort the names.
pub type Globals = crate::value::Names;

pub struct Session {
    pub globals: Globals,
    pub print_options: PrintOptions,
    rng: Option<LegacyRandom>,
    /// Number of the next cell.
    pub execution_count: usize,
    /// Sources of executed cells, by number (the same texts as the `In`
    /// list, which user code may change; this record it cannot).
    pub inputs: Inputs,
    /// Values shown as Out[n].
    pub outputs: BTreeMap<usize, Value>,
    /// `%precision` for Python floats (None = repr).
    pub float_precision: Option<usize>,
    /// How results are rendered (`%display` changes it).
    pub render: RenderOptions,
    /// IPython's `In` list and `Out` dict, also bound in `globals`.
    history_values: HistoryValues,
}

/// The sources of the cells run so far. Cell numbers start at 1 and grow
/// by one per cell, so cell `n` is entry `n - 1` (appending is all a cell
/// costs, which a map of numbers did not give a 200,000-line script).
#[derive(Default)]
pub struct Inputs(Vec<Rc<str>>);

impl Inputs {
    /// Record cell `number`'s source (numbers arrive in order, from 1).
    fn push(&mut self, number: usize, text: Rc<str>) {
        debug_assert_eq!(number, self.0.len() + 1);
        self.0.push(text);
    }

    /// Cell `n`'s source.
    pub fn get(&self, n: usize) -> Option<&Rc<str>> {
        n.checked_sub(1).and_then(|i| self.0.get(i))
    }

    /// Every (number, source), in order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Rc<str>)> {
        self.0.iter().enumerate().map(|(i, s)| (i + 1, s))
    }

    /// The (number, source) pairs for cells `lo..=hi` that exist.
    pub fn between(&self, lo: usize, hi: usize) -> impl Iterator<Item = (usize, &Rc<str>)> {
        let start = lo.max(1) - 1;
        let end = hi.min(self.0.len());
        self.0.get(start..end).unwrap_or(&[]).iter().enumerate().map(move |(i, s)| (start + i + 1, s))
    }
}

/// The `In` list and `Out` dict the session keeps up to date (shared
/// handles: rebinding the names does not stop the history, as in IPython).
struct HistoryValues {
    inputs: Rc<RefCell<Vec<Value>>>,
    outputs: Rc<RefCell<crate::value::Dict>>,
}

impl HistoryValues {
    fn new() -> HistoryValues {
        HistoryValues {
            inputs: Rc::new(RefCell::new(vec![Value::str("")])),
            outputs: Rc::new(RefCell::new(crate::value::Dict::default())),
        }
    }

    fn bind(&self, globals: &mut Globals) {
        globals.insert("In".into(), Value::List(Rc::clone(&self.inputs)));
        globals.insert("Out".into(), Value::Dict(Rc::clone(&self.outputs)));
    }

    /// Does `v` hold the `Out` dict (storing it there would make a cycle)?
    fn reaches_outputs(&self, v: &Value, depth: usize) -> bool {
        if depth > 20 {
            return true;
        }
        match v {
            Value::Dict(d) => {
                Rc::ptr_eq(d, &self.outputs)
                    || d.borrow()
                        .entries
                        .iter()
                        .any(|(k, x)| self.reaches_outputs(k, depth + 1) || self.reaches_outputs(x, depth + 1))
            }
            Value::List(l) | Value::Set(l) => l.borrow().iter().any(|x| self.reaches_outputs(x, depth + 1)),
            Value::Tuple(t) => t.iter().any(|x| self.reaches_outputs(x, depth + 1)),
            _ => false,
        }
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    pub fn new() -> Session {
        let mut globals = Globals::default();
        globals.insert("np".to_string(), Value::Module(Module::Numpy));
        let history_values = HistoryValues::new();
        history_values.bind(&mut globals);
        Session {
            globals,
            print_options: PrintOptions::default(),
            rng: None,
            execution_count: 1,
            inputs: Inputs::default(),
            outputs: BTreeMap::new(),
            float_precision: None,
            render: RenderOptions::default(),
            history_values,
        }
    }

    /// `%reset -f`: delete the user's variables and the output history
    /// (`_`, `_N`, `Out`); the input history (`In`) stays, as in IPython.
    pub fn reset_namespace(&mut self) {
        self.globals = Session::new().globals;
        self.outputs.clear();
        self.history_values.outputs.borrow_mut().entries.clear();
        self.history_values.bind(&mut self.globals);
    }

    /// Makes room in the input history for `cells` more cells. A script
    /// knows its length before it runs: growing the two history vectors a
    /// cell at a time copied each of them into fresh memory at every
    /// doubling, and on this project's VM the page faults of that fresh
    /// memory were about 5% of a 20,000-line script of small operations.
    /// Room that is never used costs address space only.
    pub fn reserve_cells(&mut self, cells: usize) {
        self.inputs.0.reserve(cells);
        self.history_values.inputs.borrow_mut().reserve(cells);
    }

    /// IPython's input variables: `In[n]`, `_i<n>`, and `_i`, `_ii`, `_iii`
    /// for the three cells before this one.
    fn record_input(&mut self, number: usize, src: Rc<str>) {
        let text = Value::Str(src);
        {
            let mut list = self.history_values.inputs.borrow_mut();
            while list.len() < number {
                list.push(Value::str(""));
            }
            list.truncate(number);
            list.push(text);
        }
        // `_i`, `_ii`, `_iii` and `_i<n>` are resolved from `inputs` when
        // looked up (see `history_name`): nothing to store per cell.
    }

    /// IPython's history names, looked up after the globals: `_i`, `_ii`
    /// and `_iii` (the sources of the three cells before the running one),
    /// `_i<n>` (the source of cell n) and `_<n>` (its output).
    pub fn history_name(&self, name: &str) -> Option<Value> {
        let back = match name {
            "_i" => Some(1),
            "_ii" => Some(2),
            "_iii" => Some(3),
            _ => None,
        };
        if let Some(back) = back {
            let running = self.execution_count.saturating_sub(1);
            let prev = running.checked_sub(back).and_then(|n| self.inputs.get(n)).map_or("", |s| &**s);
            return Some(Value::str(prev));
        }
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if let Some(n) = name.strip_prefix("_i").filter(|n| digits(n)) {
            return n.parse::<usize>().ok().and_then(|n| self.inputs.get(n)).map(Value::str);
        }
        let n = name.strip_prefix('_').filter(|n| digits(n))?;
        n.parse::<usize>().ok().and_then(|n| self.outputs.get(&n)).cloned()
    }

    /// The global `np.random` state, seeded from the OS on first use.
    pub fn rng(&mut self) -> &mut LegacyRandom {
        self.rng.get_or_insert_with(LegacyRandom::from_entropy)
    }

    pub fn set_rng(&mut self, rng: LegacyRandom) {
        self.rng = Some(rng);
    }

    /// Run one cell: parse, execute, collect output. Never panics outward;
    /// a panic inside evaluation becomes an internal error.
    pub fn run_cell(&mut self, src: &str) -> CellOutcome {
        self.run_cell_parsed(src, None)
    }

    /// Runs a cell whose source was parsed ahead by [`Prepared::new`]
    /// (possibly on another thread): the same as [`Session::run_cell`] on
    /// its text, without parsing it again.
    pub fn run_prepared(&mut self, cell: &Prepared) -> CellOutcome {
        self.run_cell_parsed(&cell.text, cell.parsed.as_ref())
    }

    fn run_cell_parsed(&mut self, src: &str, parsed: Option<&Parsed>) -> CellOutcome {
        let number = self.execution_count;
        self.execution_count += 1;
        let text: Rc<str> = Rc::from(src);
        self.inputs.push(number, Rc::clone(&text));
        self.record_input(number, text);
        warnings::drain();
        interrupt::clear();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.execute(src, parsed)));
        let (value, error) = match result {
            Ok(Ok(v)) => (v, None),
            Ok(Err(e)) => (None, Some(e)),
            Err(panic) => {
                let what = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "unknown panic".into());
                let msg = format!("npr hit a bug ({what}) while running: {}", src.lines().next().unwrap_or(""));
                (None, Some(PyErr::new(ExcType::InternalError, msg)))
            }
        };
        let events = warnings::drain();
        if let Some(v) = &value {
            self.record_output(number, v.clone());
        }
        CellOutcome { number, events, value, error }
    }

    fn record_output(&mut self, number: usize, v: Value) {
        self.outputs.insert(number, v.clone());
        if !self.history_values.reaches_outputs(&v, 0) {
            self.history_values.outputs.borrow_mut().entries.push((Value::Int(number as i128), v.clone()));
        }
        let prev1 = self.globals.get("_").cloned();
        let prev2 = self.globals.get("__").cloned();
        if let Some(p) = prev2 {
            self.globals.insert("___".into(), p);
        }
        if let Some(p) = prev1 {
            self.globals.insert("__".into(), p);
        }
        self.globals.insert("_".into(), v);
    }

    fn execute(&mut self, src: &str, parsed: Option<&Parsed>) -> Result<Option<Value>, PyErr> {
        if INJECT_PANIC.with(|p| p.replace(false)) {
            panic!("panic injected by a test");
        }
        // A parse done ahead means the cell was found to be Python.
        if parsed.is_none() {
            match cell_kind(src) {
                CellKind::Magic(line) => return crate::magic::run_magic(self, line),
                CellKind::Help(target) => {
                    let v = self.eval_expr_source(target)?;
                    warnings::stdout(crate::display::help_text(&v, &self.print_options));
                    return Ok(None);
                }
                CellKind::Python => {}
            }
        }
        let parsed_here;
        let cell = match parsed {
            Some(p) => p,
            None => {
                parsed_here = parser::parse_cell(src);
                &parsed_here
            }
        };
        let cell = cell.as_ref().map_err(|e| {
            let exc = match e.exc_type {
                "IndentationError" | "TabError" => ExcType::IndentationError,
                "RecursionError" => ExcType::RecursionError,
                _ => ExcType::SyntaxError,
            };
            PyErr::new(exc, e.message.clone()).at(crate::syntax::Span::new(e.offset, e.offset))
        })?;
        let mut interp = eval::Interp::new(self, src);
        interp.run_cell(cell)
    }

    /// Evaluate an expression without recording history (for `%explain`
    /// and hints). Side effects still happen; callers check purity first.
    pub fn eval_expr_source(&mut self, src: &str) -> Result<Value, PyErr> {
        let expr = parser::parse_expr(src).map_err(|e| PyErr::new(ExcType::SyntaxError, e.message))?;
        let mut interp = eval::Interp::new(self, src);
        interp.eval(&expr)
    }
}

/// The parse of a cell's source.
type Parsed = Result<ast::Cell, crate::syntax::SyntaxError>;

/// A cell's source with its Python parse done ahead of running it, so that
/// `npr run` can parse on one thread while cells run on another (parsing
/// depends on nothing but the text). Magic and `?` help cells, which are
/// not Python, are left unparsed, as is any cell whose parse panicked
/// (running it parses again and reports the panic like any other).
#[derive(Debug)]
pub struct Prepared {
    pub text: String,
    parsed: Option<Parsed>,
}

impl Prepared {
    pub fn new(text: String) -> Prepared {
        let parse = || std::panic::catch_unwind(|| parser::parse_cell(&text)).ok();
        let parsed = match cell_kind(&text) {
            CellKind::Python => parse(),
            CellKind::Magic(_) | CellKind::Help(_) => None,
        };
        Prepared { text, parsed }
    }
}

/// What a cell's source is.
enum CellKind<'a> {
    /// `%magic args` (the trimmed line).
    Magic(&'a str),
    /// `np.dot?` / `?np.dot` (the expression to show help for).
    Help(&'a str),
    /// Python, for the parser.
    Python,
}

fn cell_kind(src: &str) -> CellKind<'_> {
    let trimmed = src.trim();
    if trimmed.starts_with('%') {
        return CellKind::Magic(trimmed);
    }
    match help_target(trimmed) {
        Some(target) => CellKind::Help(target),
        None => CellKind::Python,
    }
}

/// `np.dot?` / `?np.dot`: the expression to show help for.
fn help_target(src: &str) -> Option<&str> {
    if src.contains('\n') || src.starts_with('#') {
        return None;
    }
    let t = src.strip_suffix('?').or_else(|| src.strip_prefix('?'))?;
    let t = t.trim_end_matches('?').trim();
    let simple = !t.is_empty() && t.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    simple.then_some(t)
}

/// Is a statement list's last statement an expression whose value IPython shows?
pub fn shows_value(cell: &ast::Cell) -> bool {
    !cell.trailing_semicolon && matches!(cell.body.last(), Some(s) if matches!(s.kind, ast::StmtKind::Expr(_)))
}
