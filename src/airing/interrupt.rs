//! A stop request for the program on air, with the reason that goes in the log. Waiting
//! for it is a future, not a poll.

use tokio::sync::watch;

/// Raised to stop what is on air; cleared once handled.
#[derive(Debug)]
pub struct Interrupt {
    reason: watch::Sender<Option<String>>,
}

impl Default for Interrupt {
    fn default() -> Self {
        Interrupt {
            reason: watch::Sender::new(None),
        }
    }
}

impl Interrupt {
    /// Asks the program on air to stop, for `reason`.
    pub fn raise(&self, reason: &str) {
        self.reason.send_replace(Some(reason.to_owned()));
    }

    /// Clears a handled request.
    pub fn clear(&self) {
        self.reason.send_replace(None);
    }

    /// Whether a stop was asked for.
    pub fn raised(&self) -> bool {
        self.reason.borrow().is_some()
    }

    /// Why it was raised.
    pub fn reason(&self) -> String {
        self.reason
            .borrow()
            .clone()
            .unwrap_or_else(|| "stopped".into())
    }

    /// Completes when a stop is asked for (at once if it already was).
    pub async fn wait(&self) {
        let mut rx = self.reason.subscribe();
        let _ = rx.wait_for(Option::is_some).await;
    }
}
