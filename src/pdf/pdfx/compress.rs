//! Compression of the streams krilla left uncompressed.

use crate::pdf::objects::{PdfFile, name};

/// How hard [`compress_plain_streams`] compresses: zlib's level 1, where
/// krilla uses 6. On a copy of the sample pack, level 6 cost 10 % more of
/// the whole build (instructions, callgrind) than level 2 for a file 2.7 %
/// smaller; level 1 (zlib-rs's quick deflate, fixed Huffman codes) costs
/// half of level 2 for page contents a third larger (docs/decisions.md).
pub(super) const PLAIN_STREAM_LEVEL: u32 = 1;

/// Compresses the streams the file holds uncompressed (page contents and
/// text maps, when krilla was told not to compress them), except XMP
/// metadata, which stays readable. Doing it here rather than in krilla
/// lets handbill choose the level; the file is written out again here
/// anyway.
pub(super) fn compress_plain_streams(doc: &mut PdfFile) {
    // One compressor for all the streams, reset between them: starting one
    // allocates and clears some 200 KB.
    let mut deflate = flate2::Compress::new(flate2::Compression::new(PLAIN_STREAM_LEVEL), true);
    // A new compressor is ready; one that has finished a stream is reset
    // before the next (a reset clears 128 KB of match table, so it is done
    // only when needed).
    let mut used = false;
    for (_, object) in doc.objects_mut() {
        // Streams first: another object's dictionary is left unread.
        let Some(data) = object.stream_data() else {
            continue;
        };
        let Some(dict) = object.as_dict() else {
            continue;
        };
        let is_metadata = dict
            .get(b"Type")
            .is_some_and(|t| t.as_name() == Some(b"Metadata"));
        if dict.has(b"Filter") || is_metadata || data.len() < 64 {
            continue;
        }
        if used {
            deflate.reset();
        }
        used = true;
        // Room for the whole stream, stored, so one call finishes it.
        let mut compressed = Vec::with_capacity(data.len() + data.len() / 1000 + 64);
        let done = deflate.compress_vec(data, &mut compressed, flate2::FlushCompress::Finish);
        if !matches!(done, Ok(flate2::Status::StreamEnd)) {
            continue;
        }
        if compressed.len() < data.len() {
            object.set_stream_data(compressed);
            if let Some(dict) = object.as_dict_mut() {
                dict.set(b"Filter", name(b"FlateDecode"));
            }
        }
    }
}
