//! Azure Speech REST: `POST /cognitiveservices/v1` with an SSML body
//! (`Content-Type: application/ssml+xml`), `X-Microsoft-OutputFormat`, a `User-Agent` and
//! the key in `Ocp-Apim-Subscription-Key`. The article text is XML-escaped, so nothing in it
//! can become SSML. Errors are bare statuses (400, 401, 415, 429, 502) with empty bodies.

use super::http::{self, Http};
use super::{BoxFuture, EncodedAudio, RawPcm, SynthError, Synthesizer, VoiceProfile};

const DEFAULT_KEY_ENV: &str = "AZURE_SPEECH_KEY";
const DEFAULT_FORMAT: &str = "riff-24khz-16bit-mono-pcm";

/// An Azure Speech endpoint.
#[derive(Debug, Clone)]
pub struct Azure {
    http: Http,
    key: String,
    key_env: String,
    format: String,
    lang: String,
    voice: String,
    rate: Option<String>,
}

impl Azure {
    /// From a profile: `url` is `https://REGION.tts.speech.microsoft.com`, the key comes
    /// from `api_key_env` (default `AZURE_SPEECH_KEY`).
    pub fn new(profile: &VoiceProfile) -> Result<Self, SynthError> {
        let key_env = profile.api_key_env.as_deref().unwrap_or(DEFAULT_KEY_ENV);
        Ok(Self {
            http: Http::new(profile)?,
            key: http::env_secret(profile, key_env, "an Azure Speech key")?,
            key_env: key_env.to_owned(),
            format: profile
                .response_format
                .clone()
                .unwrap_or_else(|| DEFAULT_FORMAT.into()),
            lang: profile.lang.clone().unwrap_or_else(|| "zh-CN".into()),
            voice: profile
                .voice
                .clone()
                .unwrap_or_else(|| "zh-CN-XiaoxiaoNeural".into()),
            rate: (profile.speed != 1.0).then(|| format!("{:+.0}%", (profile.speed - 1.0) * 100.0)),
        })
    }

    /// The SSML document for `text`.
    pub fn ssml(&self, text: &str) -> String {
        let text = xml_escape(text);
        let body = match &self.rate {
            Some(rate) => format!("<prosody rate='{rate}'>{text}</prosody>"),
            None => text,
        };
        format!(
            "<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang='{}'><voice name='{}'>{body}</voice></speak>",
            xml_escape(&self.lang),
            xml_escape(&self.voice)
        )
    }

    async fn post(&self, text: &str) -> Result<EncodedAudio, SynthError> {
        let request = self
            .http
            .client
            .post(&self.http.url)
            .header("Ocp-Apim-Subscription-Key", &self.key)
            .header(reqwest::header::CONTENT_TYPE, "application/ssml+xml")
            .header("X-Microsoft-OutputFormat", &self.format)
            .body(self.ssml(text));
        let hint = format!(
            " — check the key in `${}` and the region in `url`",
            self.key_env
        );
        let answer = http::expect_success(self.http.send(request).await?, &hint)?;
        Ok(EncodedAudio {
            bytes: answer.body,
            content_type: answer.content_type,
            raw_pcm: raw_format(&self.format),
        })
    }
}

/// Escapes the five XML special characters.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// `raw-16khz-16bit-mono-pcm` → 16 kHz headerless PCM; `raw-22050hz-…` → 22 050 Hz.
fn raw_format(format: &str) -> Option<RawPcm> {
    let rest = format.strip_prefix("raw-")?;
    if !rest.ends_with("-pcm") || !rest.contains("16bit") {
        return None;
    }
    let rate_part = rest.split('-').next()?;
    let rate = if let Some(k) = rate_part.strip_suffix("khz") {
        k.parse::<u32>().ok()? * 1000
    } else {
        rate_part.strip_suffix("hz")?.parse().ok()?
    };
    Some(RawPcm { rate, channels: 1 })
}

impl Synthesizer for Azure {
    fn synthesize<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<EncodedAudio, SynthError>> {
        Box::pin(self.post(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_formats_give_their_rate() {
        assert_eq!(
            raw_format("raw-16khz-16bit-mono-pcm").map(|f| f.rate),
            Some(16_000)
        );
        assert_eq!(
            raw_format("raw-22050hz-16bit-mono-pcm").map(|f| f.rate),
            Some(22_050)
        );
        assert_eq!(raw_format("riff-24khz-16bit-mono-pcm"), None);
        assert_eq!(raw_format("audio-24khz-48kbitrate-mono-mp3"), None);
    }

    #[test]
    fn xml_special_characters_are_escaped() {
        assert_eq!(
            xml_escape("<voice name='x'>&\"</voice>"),
            "&lt;voice name=&apos;x&apos;&gt;&amp;&quot;&lt;/voice&gt;"
        );
    }
}
