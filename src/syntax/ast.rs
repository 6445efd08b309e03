//! The abstract syntax tree. Every node carries the [`Span`] of the source
//! text it came from, so errors can underline the failing operation and name
//! each operand by its source text.

use std::sync::Arc;

/// A name in the source: a variable, an attribute, a keyword argument.
/// Names of up to 24 bytes (nearly all) are stored inline, so parsing
/// `z = np.dot(a.T, b)` allocates nothing for its six names; with `String`
/// they were a third of the line's allocations.
pub type Ident = compact_str::CompactString;

/// A byte range `start..end` in the cell's source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
    /// The text this span covers in `src` (empty if out of range).
    pub fn text(self, src: &str) -> &str {
        src.get(self.start..self.end).unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    MatMul,
    BitAnd,
    BitOr,
    BitXor,
    LShift,
    RShift,
}

impl BinOp {
    /// The operator as written in source.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::MatMul => "@",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Pos,
    Invert,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtE,
    Gt,
    GtE,
    Is,
    IsNot,
    In,
    NotIn,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtE => ">=",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolOp {
    And,
    Or,
}

/// One piece of an f-string: literal text, or `{expr}` / `{expr!r:spec}`.
#[derive(Debug, Clone, PartialEq)]
pub enum FStringPart {
    Literal(String),
    Expr {
        expr: Expr,
        /// `!r`, `!s` or `!a` conversion, if any.
        conversion: Option<char>,
        /// The format spec after `:`, e.g. `.3f` (nested `{}` not supported).
        spec: String,
        /// `{x=}` self-documenting form: the source text including `=`.
        debug_text: Option<String>,
    },
}

/// A call argument: positional, `name=value`, `*args` or `**kwargs`.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Positional(Expr),
    Keyword { name: Ident, name_span: Span, value: Expr },
    Star(Expr),
    DoubleStar(Expr),
}

/// One entry inside `[...]` indexing: a plain expression or a slice `a:b:c`.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexItem {
    Expr(Expr),
    Slice { lower: Option<Expr>, upper: Option<Expr>, step: Option<Expr>, span: Span },
}

/// A `for target in iter [if cond]...` clause of a comprehension.
#[derive(Debug, Clone, PartialEq)]
pub struct Comprehension {
    pub target: Target,
    pub iter: Expr,
    pub ifs: Vec<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// Python int literal (may exceed i64; i128 covers `2**64`-sized literals).
    Int(i128),
    Float(f64),
    /// Imaginary literals are parsed only to give a clear error.
    Str(String),
    FString(Vec<FStringPart>),
    Bool(bool),
    None,
    Ellipsis,
    Name(Ident),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    /// `{k: v, ...}`
    Dict(Vec<DictItem>),
    /// `{a, b}`
    Set(Vec<Expr>),
    Attribute {
        value: Expr,
        attr: Ident,
        attr_span: Span,
    },
    Call {
        func: Expr,
        args: Vec<Arg>,
    },
    /// `value[items]`; `a[1, 2]` has two items, `a[(1, 2)]` one tuple item.
    Subscript {
        value: Expr,
        items: Vec<IndexItem>,
        /// true when written with a trailing comma or several items (`a[1,]`)
        tuple: bool,
    },
    BinOp {
        op: BinOp,
        op_span: Span,
        left: Expr,
        right: Expr,
    },
    Unary {
        op: UnaryOp,
        operand: Expr,
    },
    /// Chained comparison `a < b <= c`.
    Compare {
        left: Expr,
        ops: Vec<(CmpOp, Span, Expr)>,
    },
    BoolOp {
        op: BoolOp,
        values: Vec<Expr>,
    },
    IfExp {
        test: Expr,
        body: Expr,
        orelse: Expr,
    },
    Lambda {
        params: Arc<Params>,
        body: Arc<Expr>,
    },
    ListComp {
        elt: Expr,
        generators: Vec<Comprehension>,
    },
    /// `(x for x in ...)` as a call argument or in parentheses.
    GeneratorExp {
        elt: Expr,
        generators: Vec<Comprehension>,
    },
    SetComp {
        elt: Expr,
        generators: Vec<Comprehension>,
    },
    DictComp {
        key: Expr,
        value: Expr,
        generators: Vec<Comprehension>,
    },
    /// `*x` inside a list/tuple display.
    Starred(Expr),
}

/// One entry of a dict display.
#[derive(Debug, Clone, PartialEq)]
pub enum DictItem {
    /// `key: value`
    Pair(Expr, Expr),
    /// `**mapping`
    Unpack(Expr),
}

/// An expression node. Its kind and span live in one heap block: the
/// parser returns expressions up a dozen levels of precedence functions,
/// and moving a pointer there instead of a 64-byte node (through 96-byte
/// results, in pieces the CPU could not forward from store to load) was a
/// good part of a short line's parse time. Children are `Expr`s too, so a
/// node costs the one allocation a boxed child did before.
#[derive(Clone, PartialEq)]
pub struct Expr(Box<ExprNode>);

/// What an [`Expr`] holds (reached through it: `e.kind`, `e.span`).
#[derive(Clone, PartialEq)]
pub struct ExprNode {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr(Box::new(ExprNode { kind, span }))
    }

    /// The node's kind, taken out of it.
    pub fn into_kind(self) -> ExprKind {
        self.0.kind
    }
}

impl std::ops::Deref for Expr {
    type Target = ExprNode;
    fn deref(&self) -> &ExprNode {
        &self.0
    }
}

impl std::ops::DerefMut for Expr {
    fn deref_mut(&mut self) -> &mut ExprNode {
        &mut self.0
    }
}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expr").field("kind", &self.kind).field("span", &self.span).finish()
    }
}

/// Assignment targets: `x`, `a, b`, `a[0, 1]`, `obj.attr`, `[a, b]`.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Name(Ident, Span),
    Tuple(Vec<Target>, Span),
    Subscript { value: Expr, items: Vec<IndexItem>, tuple: bool, span: Span },
    Attribute { value: Expr, attr: Ident, span: Span },
    Starred(Box<Target>, Span),
}

impl Target {
    pub fn span(&self) -> Span {
        match self {
            Target::Name(_, s)
            | Target::Tuple(_, s)
            | Target::Subscript { span: s, .. }
            | Target::Attribute { span: s, .. }
            | Target::Starred(_, s) => *s,
        }
    }
}

/// Function parameters: `def f(a, b=2, *args, c=3, **kw)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Params {
    /// (name, default) in order; positional-or-keyword.
    pub positional: Vec<(String, Option<Expr>)>,
    pub star: Option<String>,
    /// keyword-only after `*` / `*args`.
    pub keyword_only: Vec<(String, Option<Expr>)>,
    pub double_star: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    pub name: String,
    pub params: Arc<Params>,
    pub body: Arc<Vec<Stmt>>,
    pub docstring: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportName {
    /// dotted module path, e.g. `numpy` or `matplotlib.pyplot`
    pub module: String,
    pub alias: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    Expr(Expr),
    /// `a = b = value`: one or more targets.
    Assign {
        targets: Vec<Target>,
        value: Expr,
    },
    AugAssign {
        target: Target,
        op: BinOp,
        op_span: Span,
        value: Expr,
    },
    /// `x: int = 3` (annotation is parsed and ignored).
    AnnAssign {
        target: Target,
        value: Option<Expr>,
    },
    Import(Vec<ImportName>),
    /// `from module import a as b, c`
    ImportFrom {
        module: String,
        names: Vec<(String, Option<String>)>,
    },
    FunctionDef(FunctionDef),
    Return(Option<Expr>),
    If {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    For {
        target: Target,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    While {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    Break,
    Continue,
    Pass,
    Assert {
        test: Expr,
        msg: Option<Expr>,
    },
    Del(Vec<Target>),
    Global(Vec<String>),
    Nonlocal(Vec<String>),
    /// `try: ... except E as e: ... else: ... finally: ...`
    Try {
        body: Vec<Stmt>,
        handlers: Vec<ExceptHandler>,
        orelse: Vec<Stmt>,
        finalbody: Vec<Stmt>,
    },
    /// `raise` / `raise Exc(...)`
    Raise(Option<Expr>),
}

/// One `except [type [as name]]:` clause.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceptHandler {
    pub typ: Option<Expr>,
    pub name: Option<String>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

/// A parsed cell: its statements, and whether the cell ended in `;`
/// (which hides the value, as in IPython).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub body: Vec<Stmt>,
    pub trailing_semicolon: bool,
}

impl FunctionDef {
    /// The function's local variables, as Python decides them when it
    /// compiles the function: its parameters and every name its body binds
    /// (assignment, augmented or annotated assignment, `for` and `except`
    /// targets, `del`, `import`, nested `def`), less those the body declares
    /// `global` or `nonlocal`. Sorted, without repeats.
    pub fn local_names(&self) -> Vec<String> {
        let p = &self.params;
        let mut bound: Vec<String> = p.positional.iter().chain(&p.keyword_only).map(|(n, _)| n.clone()).collect();
        bound.extend(p.star.iter().chain(&p.double_star).cloned());
        let mut declared = Vec::new();
        scan_scope(&self.body, &mut bound, &mut declared);
        bound.sort_unstable();
        bound.dedup();
        bound.retain(|n| !declared.contains(n));
        bound
    }
}

/// Collect the names `body` binds and the names it declares `global` or
/// `nonlocal`, not looking into nested functions' bodies.
fn scan_scope(body: &[Stmt], bound: &mut Vec<String>, declared: &mut Vec<String>) {
    fn target(t: &Target, bound: &mut Vec<String>) {
        match t {
            Target::Name(n, _) => bound.push(n.to_string()),
            Target::Tuple(ts, _) => ts.iter().for_each(|t| target(t, bound)),
            Target::Starred(t, _) => target(t, bound),
            Target::Subscript { .. } | Target::Attribute { .. } => {}
        }
    }
    for s in body {
        match &s.kind {
            StmtKind::Assign { targets, .. } => targets.iter().for_each(|t| target(t, bound)),
            StmtKind::AugAssign { target: t, .. } | StmtKind::AnnAssign { target: t, .. } => target(t, bound),
            StmtKind::Del(ts) => ts.iter().for_each(|t| target(t, bound)),
            StmtKind::Import(names) => bound.extend(names.iter().map(|n| match &n.alias {
                Some(a) => a.clone(),
                None => n.module.split('.').next().unwrap_or(&n.module).to_string(),
            })),
            StmtKind::ImportFrom { names, .. } => {
                bound.extend(names.iter().map(|(n, alias)| alias.as_ref().unwrap_or(n).clone()))
            }
            StmtKind::FunctionDef(def) => bound.push(def.name.clone()),
            StmtKind::Global(ns) | StmtKind::Nonlocal(ns) => declared.extend(ns.iter().cloned()),
            StmtKind::For { target: t, body, orelse, .. } => {
                target(t, bound);
                scan_scope(body, bound, declared);
                scan_scope(orelse, bound, declared);
            }
            StmtKind::If { body, orelse, .. } | StmtKind::While { body, orelse, .. } => {
                scan_scope(body, bound, declared);
                scan_scope(orelse, bound, declared);
            }
            StmtKind::Try { body, handlers, orelse, finalbody } => {
                scan_scope(body, bound, declared);
                for h in handlers {
                    bound.extend(h.name.iter().cloned());
                    scan_scope(&h.body, bound, declared);
                }
                scan_scope(orelse, bound, declared);
                scan_scope(finalbody, bound, declared);
            }
            StmtKind::Expr(_)
            | StmtKind::Return(_)
            | StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Pass
            | StmtKind::Assert { .. }
            | StmtKind::Raise(_) => {}
        }
    }
}
