//! Counting one blob's lines the way tokei's CLI counts one file.
//!
//! The CLI reads files through `encoding_rs_io` with BOM sniffing, so UTF-16 files with a BOM are
//! decoded to UTF-8 (and a UTF-8 BOM is handled the same way) before parsing; files without a BOM
//! pass through untouched, so only those with a BOM take the decoding path here. Embedded
//! languages (code blocks in Markdown, script in HTML) are folded into the file's own language,
//! as tokei's `CodeStats::summarise` does.

use std::io::Read;

use tokei::{Config, LanguageType};

/// Lines of one file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lines {
    /// Lines with code (tokei's `code`).
    pub code: u64,
    /// Lines with only comments (tokei's `comments`).
    pub comments: u64,
    /// Empty or whitespace-only lines (tokei's `blanks`).
    pub blanks: u64,
}

fn has_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xEF, 0xBB, 0xBF])
        || bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0xFE, 0xFF])
}

/// Counts `bytes` as `language`.
pub fn count_lines(language: LanguageType, bytes: &[u8], config: &Config) -> Lines {
    let decoded;
    let text = if has_bom(bytes) {
        let mut out = Vec::with_capacity(bytes.len());
        let mut reader = encoding_rs_io::DecodeReaderBytesBuilder::new().build(bytes);
        decoded = match reader.read_to_end(&mut out) {
            Ok(_) => out,
            // Reading from memory cannot fail in practice; tokei would skip such a file.
            Err(_) => return Lines::default(),
        };
        &decoded[..]
    } else {
        bytes
    };
    let stats = language.parse_from_slice(text, config).summarise();
    Lines {
        code: stats.code as u64,
        comments: stats.comments as u64,
        blanks: stats.blanks as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_bom_is_decoded() {
        let text = "int a;\n// c\n\nint b;\n";
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let lines = count_lines(LanguageType::C, &bytes, &Config::default());
        assert_eq!(
            lines,
            Lines {
                code: 2,
                comments: 1,
                blanks: 1
            }
        );
    }
}
