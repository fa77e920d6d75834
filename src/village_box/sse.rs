//! A small server-sent-events parser (the WHATWG `text/event-stream` rules the box needs:
//! `event`, `data`, `id`, comments, CRLF or LF). Hand-written because the maintained client
//! crates (`reqwest-eventsource`, `eventsource-stream`) bring their own retry timers, and the
//! box must own its reconnect timing so tests inject it; the format itself is 30 lines.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// `event:` (empty means `message`).
    pub event: String,
    /// `data:` lines joined with `\n`.
    pub data: String,
    /// The last `id:` seen so far on the stream.
    pub id: Option<String>,
}

/// Feeds bytes in, takes whole events out.
#[derive(Debug, Default)]
pub struct SseParser {
    buf: Vec<u8>,
    event: String,
    data: Vec<String>,
    last_id: Option<String>,
}

impl SseParser {
    /// Adds `bytes` and returns the events they complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                if !self.data.is_empty() {
                    out.push(SseEvent {
                        event: std::mem::take(&mut self.event),
                        data: std::mem::take(&mut self.data).join("\n"),
                        id: self.last_id.clone(),
                    });
                }
                self.event.clear();
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "event" => self.event = value.to_owned(),
                "data" => self.data.push(value.to_owned()),
                "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
                _ => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_anywhere_and_comments_are_skipped() {
        let stream = b": keep-alive\r\n\r\nevent: alert\r\nid: 7\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\nevent: alert\ndata: x\n\n";
        for cut in 0..stream.len() {
            let mut p = SseParser::default();
            let mut got = p.feed(&stream[..cut]);
            got.extend(p.feed(&stream[cut..]));
            assert_eq!(got.len(), 2, "cut at {cut}");
            assert_eq!(got[0].data, "{\"a\":\n1}");
            assert_eq!(got[0].event, "alert");
            assert_eq!(got[0].id.as_deref(), Some("7"));
            assert_eq!(got[1].id.as_deref(), Some("7"), "id carries over");
            assert_eq!(got[1].data, "x");
        }
    }
}
