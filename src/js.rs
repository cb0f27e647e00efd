//! Reading JS values from Rust: a field is read only from an object. `Reflect.get` on a primitive (`undefined`,
//! `null`, a number) throws, and wasm-bindgen's glue catches it with its stack trace — in the compute worker that
//! once cost each reply without a picture about a third of its handling time (ARCHITECTURE.md, "Warm round trip").

use wasm_bindgen::JsValue;

/// `value[key]`: `None` when `value` is not an object (a primitive, `null` or a function) or the read throws;
/// `Some(undefined)` for a missing key.
pub fn field(value: &JsValue, key: &str) -> Option<JsValue> {
    if !value.is_object() {
        return None;
    }
    js_sys::Reflect::get(value, &key.into()).ok()
}

/// `globalThis[name]` when it is an object (what www/coi.js and www/boot.js leave for the page: `lanesIsolation`,
/// `lanesCapability`, `lanesCompute`); `None` when it is absent or of another type.
pub fn global_object(name: &str) -> Option<JsValue> {
    field(&js_sys::global(), name).filter(JsValue::is_object)
}
