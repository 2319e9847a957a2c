//! Duration literals checked at compile time: `"250ms"`, `"10s"`, `"1m30s"`, `"2h"`, `"1.5s"`.

use proc_macro2::TokenStream;
use quote::quote_spanned;
use syn::LitStr;

/// A duration parsed from a string literal, kept with the literal for error spans.
#[derive(Clone)]
pub(crate) struct DurationLit {
    pub(crate) lit: LitStr,
    pub(crate) nanos: u64,
}

impl DurationLit {
    pub(crate) fn parse(lit: LitStr) -> syn::Result<Self> {
        match parse_nanos(&lit.value()) {
            Ok(0) => Err(error(&lit, "must be longer than zero")),
            Ok(nanos) => Ok(DurationLit { lit, nanos }),
            Err(why) => Err(error(&lit, why)),
        }
    }

    /// A `::core::time::Duration` expression.
    pub(crate) fn to_expr(&self) -> TokenStream {
        let nanos = self.nanos;
        quote_spanned!(self.lit.span()=> ::core::time::Duration::from_nanos(#nanos))
    }
}

fn error(lit: &LitStr, why: &str) -> syn::Error {
    syn::Error::new_spanned(
        lit,
        format!(
            "invalid duration {:?}: {why}; write a number and a unit (`h`, `m`, `s`, `ms`, `us`, `ns`), largest unit first, e.g. \"250ms\", \"1m30s\", \"1.5s\"",
            lit.value()
        ),
    )
}

const UNITS: [(&str, u64); 6] = [
    ("h", 3_600_000_000_000),
    ("m", 60_000_000_000),
    ("s", 1_000_000_000),
    ("ms", 1_000_000),
    ("us", 1_000),
    ("ns", 1),
];

/// Parses a duration in nanoseconds. Fractions are exact (decimal, not floating point).
pub(crate) fn parse_nanos(text: &str) -> Result<u64, &'static str> {
    if text.is_empty() {
        return Err("it is empty");
    }
    let mut rest = text;
    let mut total: u64 = 0;
    let mut last_unit = None;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(number_len);
        if number.is_empty() {
            return Err("a number must come before each unit");
        }
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        if unit.is_empty() {
            return Err("the number has no unit");
        }
        let Some(position) = UNITS.iter().position(|(name, _)| *name == unit) else {
            return Err("unknown unit");
        };
        if last_unit.is_some_and(|last| position <= last) {
            return Err("units must go from largest to smallest, each at most once");
        }
        last_unit = Some(position);
        let nanos = scaled(number, UNITS[position].1)?;
        total = total.checked_add(nanos).ok_or("it is too long")?;
        rest = tail;
    }
    Ok(total)
}

/// `number` (digits with at most one `.`) times `scale`, exactly.
fn scaled(number: &str, scale: u64) -> Result<u64, &'static str> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() || fraction.contains('.') || (number.contains('.') && fraction.is_empty()) {
        return Err("a number is malformed");
    }
    let whole: u64 = whole.parse().map_err(|_| "it is too long")?;
    let mut nanos = whole.checked_mul(scale).ok_or("it is too long")?;
    let mut place = scale;
    for digit in fraction.bytes() {
        place /= 10;
        if place == 0 && digit != b'0' {
            return Err("it is finer than a nanosecond");
        }
        nanos = nanos
            .checked_add(u64::from(digit - b'0') * place)
            .ok_or("it is too long")?;
    }
    Ok(nanos)
}

#[cfg(test)]
mod tests {
    use super::parse_nanos;

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(parse_nanos("250ms"), Ok(250_000_000));
        assert_eq!(parse_nanos("10s"), Ok(10_000_000_000));
        assert_eq!(parse_nanos("1m30s"), Ok(90_000_000_000));
        assert_eq!(parse_nanos("2h"), Ok(7_200_000_000_000));
        assert_eq!(parse_nanos("1.5s"), Ok(1_500_000_000));
        assert_eq!(parse_nanos("0.001ms"), Ok(1_000));
        assert_eq!(parse_nanos("1h2m3s4ms5us6ns"), Ok(3_723_004_005_006));
    }

    #[test]
    fn rejects_malformed_input() {
        for bad in [
            "",
            "10",
            "s",
            "5 s",
            "5sec",
            "1s1m",
            "1s1s",
            "1..5s",
            "1.s",
            ".5s",
            "1.5ns",
            "99999999999h",
        ] {
            assert!(parse_nanos(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
