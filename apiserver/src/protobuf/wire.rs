//! A reader of the protobuf wire format: a message is a run of fields, each a varint key
//! `(field number << 3) | wire type` and a value: a varint (0), 8 little-endian bytes (1), a
//! varint length and that many bytes (2: strings, bytes, messages, packed scalars), 4
//! little-endian bytes (5); 3 and 4 open and close a (deprecated) group.
//!
//! Errors use the wording of the gogo-generated unmarshallers Kubernetes' types have.

use std::fmt;

/// One field value as it is on the wire.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Wire<'a> {
    Varint(u64),
    Fixed64(u64),
    Len(&'a [u8]),
    Fixed32(u32),
    /// A group, skipped whole (its bytes are not kept).
    Group,
}

impl Wire<'_> {
    /// The wire type number.
    pub(super) fn wire_type(&self) -> u8 {
        match self {
            Wire::Varint(_) => 0,
            Wire::Fixed64(_) => 1,
            Wire::Len(_) => 2,
            Wire::Group => 3,
            Wire::Fixed32(_) => 5,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Error {
    /// The input ends inside a key, a value or a length-delimited field.
    UnexpectedEof,
    /// A varint longer than ten bytes.
    IntOverflow,
    /// A length that does not fit in the address space (`int` in Go).
    InvalidLength,
    /// A field number that is not positive as Go's `int32`; `key` is the whole key.
    IllegalTag { number: i32, key: u64 },
    /// A wire type that does not exist (6, 7).
    IllegalWireType(u8),
    /// An end-group key with no group open.
    EndGroup,
    /// Groups nested deeper than the decoder's recursion limit.
    TooDeep,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnexpectedEof => f.write_str("unexpected EOF"),
            Error::IntOverflow => f.write_str("proto: integer overflow"),
            Error::InvalidLength => f.write_str("proto: negative length found during unmarshaling"),
            Error::IllegalTag { number, key } => {
                write!(f, "illegal tag {number} (wire type {key})")
            }
            Error::IllegalWireType(t) => write!(f, "proto: illegal wireType {t}"),
            Error::EndGroup => f.write_str("wiretype end group for non-group"),
            Error::TooDeep => f.write_str("proto: exceeded maximum recursion depth"),
        }
    }
}

/// How deep groups may nest when skipped.
const MAX_GROUP_DEPTH: usize = 64;

/// Reads fields off a byte slice, front to back.
pub(super) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// A base-128 varint (at most ten bytes; bits past the 64th are dropped, as Go does).
    pub(super) fn varint(&mut self) -> Result<u64, Error> {
        let mut value: u64 = 0;
        let mut shift = 0u32;
        loop {
            if shift >= 64 {
                return Err(Error::IntOverflow);
            }
            let &byte = self.buf.get(self.pos).ok_or(Error::UnexpectedEof)?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f).checked_shl(shift).unwrap_or(0);
            if byte < 0x80 {
                return Ok(value);
            }
            shift += 7;
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self.pos.checked_add(n).ok_or(Error::InvalidLength)?;
        let bytes = self.buf.get(self.pos..end).ok_or(Error::UnexpectedEof)?;
        self.pos = end;
        Ok(bytes)
    }

    pub(super) fn fixed64(&mut self) -> Result<u64, Error> {
        let bytes = self.take(8)?;
        let mut word = [0u8; 8];
        word.copy_from_slice(bytes);
        Ok(u64::from_le_bytes(word))
    }

    fn fixed32(&mut self) -> Result<u32, Error> {
        let bytes = self.take(4)?;
        let mut word = [0u8; 4];
        word.copy_from_slice(bytes);
        Ok(u32::from_le_bytes(word))
    }

    fn length_delimited(&mut self) -> Result<&'a [u8], Error> {
        let len = self.varint()?;
        // Go reads the length into an `int` and refuses a negative one.
        if len > i64::MAX as u64 {
            return Err(Error::InvalidLength);
        }
        let len = usize::try_from(len).map_err(|_| Error::UnexpectedEof)?;
        self.take(len)
    }

    /// The next field (number and value), or `None` at the end of the input.
    pub(super) fn field(&mut self) -> Result<Option<(u32, Wire<'a>)>, Error> {
        if self.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let wire_type = key & 7;
        let number = key >> 3;
        if wire_type == 4 {
            return Err(Error::EndGroup);
        }
        // Go keeps the field number in an int32.
        let number = number as u32 as i32;
        let Ok(number) = u32::try_from(number) else {
            return Err(Error::IllegalTag { number, key });
        };
        if number == 0 {
            return Err(Error::IllegalTag { number: 0, key });
        }
        let value = match wire_type {
            0 => Wire::Varint(self.varint()?),
            1 => Wire::Fixed64(self.fixed64()?),
            2 => Wire::Len(self.length_delimited()?),
            3 => {
                self.skip_group()?;
                Wire::Group
            }
            5 => Wire::Fixed32(self.fixed32()?),
            t => return Err(Error::IllegalWireType(t as u8)),
        };
        Ok(Some((number, value)))
    }

    /// Skips to the end of a group whose start key was just read.
    fn skip_group(&mut self) -> Result<(), Error> {
        let mut depth = 1usize;
        while depth > 0 {
            let key = self.varint()?;
            match key & 7 {
                0 => {
                    self.varint()?;
                }
                1 => {
                    self.take(8)?;
                }
                2 => {
                    self.length_delimited()?;
                }
                3 => {
                    depth += 1;
                    if depth > MAX_GROUP_DEPTH {
                        return Err(Error::TooDeep);
                    }
                }
                4 => depth -= 1,
                5 => {
                    self.take(4)?;
                }
                t => return Err(Error::IllegalWireType(t as u8)),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_wire_type() {
        // 1: varint 150, 2: "hi", 3: fixed64 1, 4: fixed32 2
        let bytes = [
            0x08, 0x96, 0x01, 0x12, 0x02, b'h', b'i', 0x19, 1, 0, 0, 0, 0, 0, 0, 0, 0x25, 2, 0, 0,
            0,
        ];
        let mut r = Reader::new(&bytes);
        assert_eq!(r.field().unwrap(), Some((1, Wire::Varint(150))));
        assert_eq!(r.field().unwrap(), Some((2, Wire::Len(b"hi"))));
        assert_eq!(r.field().unwrap(), Some((3, Wire::Fixed64(1))));
        assert_eq!(r.field().unwrap(), Some((4, Wire::Fixed32(2))));
        assert_eq!(r.field().unwrap(), None);
    }

    #[test]
    fn negative_int32_is_a_ten_byte_varint() {
        let bytes = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        let v = Reader::new(&bytes).varint().unwrap();
        assert_eq!(v as i64 as i32, -1);
    }

    #[test]
    fn refuses_malformed_input() {
        let eof = |b: &[u8]| Reader::new(b).field().unwrap_err();
        assert_eq!(eof(&[0x08]), Error::UnexpectedEof);
        assert_eq!(eof(&[0x08, 0x80]), Error::UnexpectedEof);
        assert_eq!(eof(&[0x12, 0x05, b'a']), Error::UnexpectedEof);
        assert_eq!(eof(&[0x19, 1, 2]), Error::UnexpectedEof);
        assert_eq!(eof(&[0x0c]), Error::EndGroup);
        assert!(matches!(eof(&[0x00, 0x00]), Error::IllegalTag { .. }));
        assert_eq!(eof(&[0x0e]), Error::IllegalWireType(6));
        assert_eq!(
            eof(&[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
            ]),
            Error::IntOverflow
        );
        // A length past i64::MAX.
        let huge = [
            0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ];
        assert_eq!(eof(&huge), Error::InvalidLength);
        // A length past the end.
        assert_eq!(
            eof(&[0x12, 0xff, 0xff, 0xff, 0xff, 0x0f]),
            Error::UnexpectedEof
        );
    }

    #[test]
    fn skips_groups_and_bounds_their_depth() {
        // 1: group { 2: varint 1 }, then 3: varint 7
        let bytes = [0x0b, 0x10, 0x01, 0x0c, 0x18, 0x07];
        let mut r = Reader::new(&bytes);
        assert_eq!(r.field().unwrap(), Some((1, Wire::Group)));
        assert_eq!(r.field().unwrap(), Some((3, Wire::Varint(7))));
        let deep = vec![0x0b; MAX_GROUP_DEPTH + 2];
        assert_eq!(Reader::new(&deep).field().unwrap_err(), Error::TooDeep);
    }
}
