//! A real HTTP/1.1 server on 127.0.0.1:0 for backend tests: records every request and
//! answers through a handler that can also misbehave (hang, drip, close, cut short).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `POST`, …
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// The raw query string (after `?`), if any.
    pub query: String,
    /// Headers with lowercase names.
    pub headers: HashMap<String, String>,
    /// The body.
    pub body: Vec<u8>,
    /// When it arrived.
    pub at: Instant,
}

impl Request {
    /// A header by lowercase name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// A query parameter, decoded once.
    pub fn query_param(&self, name: &str) -> Option<String> {
        pairs(&self.query).remove(name)
    }

    /// A field of a form-urlencoded body, decoded once.
    pub fn form(&self, name: &str) -> Option<String> {
        pairs(&String::from_utf8_lossy(&self.body)).remove(name)
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// `a=1&b=%E6%9D%91` → map, `+` as space, each value percent-decoded once.
pub fn pairs(text: &str) -> HashMap<String, String> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Decodes `%XX` escapes and `+`.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete answer.
    Full {
        /// HTTP status.
        status: u16,
        /// Extra headers (`Content-Length` and `Connection: close` are added).
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// Waits, then replies.
    Delay(Duration, Box<Reply>),
    /// Sends the headers, then the body a few bytes at a time.
    Drip {
        /// The answer to dribble out.
        body: Vec<u8>,
        /// Pause between chunks of 64 bytes.
        every: Duration,
    },
    /// Promises `Content-Length` of the whole body but sends only part and closes.
    CutShort {
        /// The whole body.
        body: Vec<u8>,
        /// How many bytes are sent.
        sent: usize,
    },
    /// Never answers.
    Hang,
}

impl Reply {
    /// 200 with `content_type` and `body`.
    pub fn ok(content_type: &str, body: Vec<u8>) -> Self {
        Self::status(200, content_type, body)
    }

    /// `status` with `content_type` and `body`.
    pub fn status(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Self::Full {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    /// Adds a header to a `Full` reply.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Self::Full { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

type Handler = dyn Fn(&Request, usize) -> Reply + Send + Sync;

/// A running test server.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
    /// (requests being answered now, the most at once so far).
    in_flight: Arc<Mutex<(usize, usize)>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts a server; `handler` gets each request and its 0-based number.
    pub async fn start(handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = requests.clone();
        let in_flight = Arc::new(Mutex::new((0, 0)));
        let gauge = in_flight.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let (log, handler, gauge) = (log.clone(), handler.clone(), gauge.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, &log, &*handler, &gauge).await;
                });
            }
        });
        Self {
            url,
            requests,
            in_flight,
            task,
        }
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// The most requests the server was answering at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.in_flight.lock().unwrap().1
    }

    /// How many requests arrived.
    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A URL on which nothing listens (connection refused).
pub async fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

async fn serve(
    mut stream: TcpStream,
    log: &Mutex<Vec<Request>>,
    handler: &Handler,
    gauge: &Mutex<(usize, usize)>,
) -> std::io::Result<()> {
    let Some(request) = read_request(&mut stream).await? else {
        return Ok(());
    };
    {
        let mut g = gauge.lock().unwrap();
        g.0 += 1;
        g.1 = g.1.max(g.0);
    }
    // A request stops counting as in flight before its answer is written: once the client has
    // the answer it may send the next request, and that one must not meet this one's count.
    answer(&mut stream, request, log, handler, || {
        gauge.lock().unwrap().0 -= 1
    })
    .await
}

async fn answer(
    stream: &mut TcpStream,
    request: Request,
    log: &Mutex<Vec<Request>>,
    handler: &Handler,
    answered: impl FnOnce(),
) -> std::io::Result<()> {
    let number = {
        let mut log = log.lock().unwrap();
        log.push(request.clone());
        log.len() - 1
    };
    let mut reply = handler(&request, number);
    while let Reply::Delay(wait, next) = reply {
        tokio::time::sleep(wait).await;
        reply = *next;
    }
    answered();
    match reply {
        Reply::Delay(..) => unreachable!("delays were waited out above"),
        Reply::Full {
            status,
            headers,
            body,
        } => {
            stream
                .write_all(&head(status, &headers, body.len()))
                .await?;
            stream.write_all(&body).await?;
        }
        Reply::Drip { body, every } => {
            let headers = [("Content-Type".to_string(), "audio/wav".to_string())];
            stream.write_all(&head(200, &headers, body.len())).await?;
            for chunk in body.chunks(64) {
                stream.write_all(chunk).await?;
                stream.flush().await?;
                tokio::time::sleep(every).await;
            }
        }
        Reply::CutShort { body, sent } => {
            let headers = [("Content-Type".to_string(), "audio/wav".to_string())];
            stream.write_all(&head(200, &headers, body.len())).await?;
            stream.write_all(&body[..sent.min(body.len())]).await?;
        }
        Reply::Hang => tokio::time::sleep(Duration::from_secs(3600)).await,
    }
    stream.flush().await?;
    stream.shutdown().await
}

fn head(status: u16, headers: &[(String, String)], len: usize) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\nContent-Length: {len}\r\nConnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Request>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_owned();
    let target = first.next().unwrap_or("").to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[header_end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target, String::new()),
    };
    Ok(Some(Request {
        method,
        path,
        query,
        headers,
        body,
        at: Instant::now(),
    }))
}
