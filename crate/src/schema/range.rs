//! A setting's allowed values: whole or real, open or closed ends, always finite; and the
//! wording of "must be …" that every message about it uses.

use std::fmt;

/// One end of a range of reals.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum End {
    Closed(f64),
    Open(f64),
    /// No bound on this side (the number must still be finite).
    Unbounded,
}

/// The values a setting may take.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Range {
    /// Whole numbers `min..=max`; `max: None` has no upper end.
    Whole { min: u64, max: Option<u64> },
    /// Finite reals between `low` and `high`.
    Real { low: End, high: End },
}

/// A value to check against a [`Range`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    Whole(u64),
    Real(f64),
}

impl From<u64> for Number {
    fn from(x: u64) -> Self {
        Number::Whole(x)
    }
}

impl From<u32> for Number {
    fn from(x: u32) -> Self {
        Number::Whole(x.into())
    }
}

impl From<usize> for Number {
    fn from(x: usize) -> Self {
        Number::Whole(x as u64) // usize is at most 64 bits on every target
    }
}

impl From<f64> for Number {
    fn from(x: f64) -> Self {
        Number::Real(x)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Number::Whole(x) => write!(f, "{x}"),
            Number::Real(x) => write!(f, "{x}"),
        }
    }
}

impl Range {
    pub fn contains(&self, x: Number) -> bool {
        match (*self, x) {
            (Range::Whole { min, max }, Number::Whole(n)) => n >= min && max.is_none_or(|max| n <= max),
            (Range::Whole { .. }, Number::Real(_)) => false,
            (Range::Real { low, high }, x) => {
                let x = match x {
                    Number::Whole(n) => n as f64,
                    Number::Real(x) => x,
                };
                let above = match low {
                    End::Closed(a) => x >= a,
                    End::Open(a) => x > a,
                    End::Unbounded => true,
                };
                let below = match high {
                    End::Closed(b) => x <= b,
                    End::Open(b) => x < b,
                    End::Unbounded => true,
                };
                x.is_finite() && above && below
            }
        }
    }

    /// The values nearest the range on each side that has an end: what tests probe it with.
    pub fn outside(&self) -> Vec<Number> {
        match *self {
            Range::Whole { min, max } => {
                let below = min.checked_sub(1);
                let above = max.and_then(|m| m.checked_add(1));
                below.into_iter().chain(above).map(Number::Whole).collect()
            }
            Range::Real { low, high } => {
                let below = match low {
                    End::Closed(a) => Some(a.next_down()),
                    End::Open(a) => Some(a),
                    End::Unbounded => None,
                };
                let above = match high {
                    End::Closed(b) => Some(b.next_up()),
                    End::Open(b) => Some(b),
                    End::Unbounded => None,
                };
                below.into_iter().chain(above).map(Number::Real).collect()
            }
        }
    }

    /// The closed ends, the values nearest the edge that are allowed.
    pub fn ends(&self) -> Vec<Number> {
        match *self {
            Range::Whole { min, max } => std::iter::once(min).chain(max).map(Number::Whole).collect(),
            Range::Real { low, high } => [low, high]
                .into_iter()
                .filter_map(|end| if let End::Closed(x) = end { Some(Number::Real(x)) } else { None })
                .collect(),
        }
    }
}

/// What follows "must be" in every message: `in (0, 1]`, `a whole number in 1..=256`.
impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        use End::*;
        match *self {
            Range::Whole { min, max: Some(max) } => write!(f, "a whole number in {min}..={max}"),
            Range::Whole { min: 0, max: None } => write!(f, "a whole number ≥ 0"),
            Range::Whole { min, max: None } => write!(f, "a whole number > {}", min - 1),
            Range::Real { low: Unbounded, high: Unbounded } => write!(f, "a finite number"),
            Range::Real { low, high: Unbounded } => match low {
                Closed(a) => write!(f, "a finite number ≥ {a}"),
                _ => write!(f, "a finite number > {}", bound(low)),
            },
            Range::Real { low: Unbounded, high } => match high {
                Closed(b) => write!(f, "a finite number ≤ {b}"),
                _ => write!(f, "a finite number < {}", bound(high)),
            },
            Range::Real { low, high } => {
                let open = if matches!(low, Closed(_)) { '[' } else { '(' };
                let close = if matches!(high, Closed(_)) { ']' } else { ')' };
                write!(f, "in {open}{}, {}{close}", bound(low), bound(high))
            }
        }
    }
}

fn bound(end: End) -> f64 {
    match end {
        End::Closed(x) | End::Open(x) => x,
        End::Unbounded => f64::NAN, // never printed: Display handles the unbounded sides first
    }
}
