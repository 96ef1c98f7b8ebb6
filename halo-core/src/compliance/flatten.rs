//! Turning JSON values into CSV cells: dotted column names, and formula
//! neutralisation.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value;

use super::ComplianceError;

/// The first characters that make a spreadsheet read a cell as a formula,
/// as listed by OWASP's "CSV Injection" page: `=`, `+`, `-`, `@`, tab and
/// carriage return.
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` made safe to open in a spreadsheet: a cell whose first character
/// is one of [`FORMULA_TRIGGERS`] gets a `'` in front, any other cell is
/// returned unchanged.
///
/// Only the first character matters: `a-b`, `x=1`, `ada@example.com`, a
/// leading space (` =1`) or line feed, and look-alike characters such as
/// the minus sign `\u{2212}` or the fullwidth `\u{ff1d}` are left alone, as
/// is a cell already starting with `'`. Negative numbers are not special:
/// `-5` becomes `'-5`, and so does a phone number such as `+44 20 7946
/// 0000`. Use the JSON export where exact values matter.
///
/// ```
/// use halo_core::compliance::neutralise_cell;
///
/// assert_eq!(neutralise_cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
/// assert_eq!(neutralise_cell("-5"), "'-5");
/// assert_eq!(neutralise_cell("well-known"), "well-known");
/// ```
pub fn neutralise_cell(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_TRIGGERS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `value` as cells by dotted column name under `prefix`: object keys and
/// array indexes join with `.`; an empty object or array is one cell `{}`
/// or `[]`; `null` is an empty cell; strings are their text, numbers and
/// booleans their JSON text. Cells are not neutralised yet.
pub(super) fn flatten(
    prefix: &str,
    value: &Value,
) -> Result<BTreeMap<String, String>, ComplianceError> {
    let mut cells = BTreeMap::new();
    flatten_into(prefix.to_owned(), value, &mut cells)?;
    Ok(cells)
}

fn flatten_into(
    column: String,
    value: &Value,
    cells: &mut BTreeMap<String, String>,
) -> Result<(), ComplianceError> {
    let cell = match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, inner) in map {
                flatten_into(format!("{column}.{key}"), inner, cells)?;
            }
            return Ok(());
        }
        Value::Array(items) if !items.is_empty() => {
            for (index, inner) in items.iter().enumerate() {
                flatten_into(format!("{column}.{index}"), inner, cells)?;
            }
            return Ok(());
        }
        Value::Object(_) => "{}".to_owned(),
        Value::Array(_) => "[]".to_owned(),
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Bool(_) | Value::Number(_) => value.to_string(),
    };
    if cells.contains_key(&column) {
        return Err(ComplianceError::ColumnCollision { column });
    }
    cells.insert(column, cell);
    Ok(())
}
