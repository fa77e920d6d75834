//! piper's HTTP server. piper-tts 1.8 (`piper.http_server`): `POST /synthesize` with JSON
//! `{text, voice?, speaker?, length_scale?}`; the older servers: raw UTF-8 text to `POST /`
//! (`api = "post"`) or `GET /?text=` (`api = "get"`). Every version answers a WAV labelled
//! `Content-Type: text/html`, so success is judged by the bytes, and every error is an HTML
//! 500 page. The JSON body must be sent as `application/json`: a form-encoded body is
//! swallowed by Flask and answered with a 500.

use serde::Serialize;

use super::http::{self, Http};
use super::{BoxFuture, EncodedAudio, SynthError, Synthesizer, VoiceProfile};

/// Which request shape the server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Api {
    Synthesize,
    PostText,
    Get,
}

/// A piper HTTP server.
#[derive(Debug, Clone)]
pub struct Piper {
    http: Http,
    api: Api,
    voice: Option<String>,
    speaker: Option<String>,
    length_scale: Option<f32>,
}

#[derive(Serialize)]
struct Request<'a> {
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    voice: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speaker: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    length_scale: Option<f32>,
}

impl Piper {
    /// From a profile; `api` picks the request shape.
    pub fn new(profile: &VoiceProfile) -> Result<Self, SynthError> {
        let api = match profile.api.as_deref() {
            None | Some("synthesize") => Api::Synthesize,
            Some("post") => Api::PostText,
            Some("get") => Api::Get,
            Some(other) => {
                return Err(SynthError::Config(format!(
                    "voice `{}`: unknown piper `api = \"{other}\"`; use `synthesize`, `post` or `get`",
                    profile.name
                )));
            }
        };
        Ok(Self {
            http: Http::new(profile)?,
            api,
            voice: profile.voice.clone(),
            speaker: profile.speaker.clone(),
            // length_scale > 1 is slower: the inverse of speed.
            length_scale: (profile.speed != 1.0).then(|| 1.0 / profile.speed.max(0.1)),
        })
    }

    async fn request(&self, text: &str) -> Result<EncodedAudio, SynthError> {
        let client = &self.http.client;
        let url = &self.http.url;
        let request = match self.api {
            Api::Synthesize => client.post(url).json(&Request {
                text,
                voice: self.voice.as_deref(),
                speaker: self.speaker.as_deref(),
                length_scale: self.length_scale,
            }),
            Api::PostText => client
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(text.to_owned()),
            Api::Get => client.get(url).query(&[("text", text)]),
        };
        let answer = http::expect_success(self.http.send(request).await?, "")?;
        Ok(EncodedAudio {
            bytes: answer.body,
            content_type: answer.content_type,
            raw_pcm: None,
        })
    }
}

impl Synthesizer for Piper {
    fn synthesize<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<EncodedAudio, SynthError>> {
        Box::pin(self.request(text))
    }
}
