//! Fuzz the parser and cell splitter: any bytes that are UTF-8 must parse
//! to an AST or a SyntaxError, never panic or overflow the stack.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(src) = std::str::from_utf8(data) {
        let _ = npr::syntax::parser::parse_cell(src);
        let _ = npr::syntax::parser::parse_expr(src);
        for cell in npr::syntax::cells::split_cells(src) {
            let _ = npr::syntax::parser::parse_cell(&cell.text);
        }
        let _ = npr::syntax::cells::check_complete(src);
    }
});
