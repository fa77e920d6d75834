//! The hub's own HTTPS (rustls, through axum-server): its certificate and key from PEM files,
//! and the rule for when plain HTTP is allowed. \[edge\]

use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context;
use axum_server::tls_rustls::RustlsConfig;

/// Reads the hub's certificate chain and private key (PEM) into a rustls configuration.
/// Every failure names the file at fault and what it should hold.
pub async fn load(cert: &Path, key: &Path) -> anyhow::Result<RustlsConfig> {
    let read = |path: &Path, what: &str| {
        std::fs::read(path)
            .with_context(|| format!("cannot read the hub's TLS {what} `{}`", path.display()))
    };
    let cert_pem = read(cert, "certificate (--tls-cert)")?;
    let key_pem = read(key, "private key (--tls-key)")?;
    anyhow::ensure!(
        contains(&cert_pem, b"-----BEGIN CERTIFICATE-----"),
        "`{}` (--tls-cert) holds no PEM certificate: give the hub's certificate, then any \
         intermediate CA certificates, each as `-----BEGIN CERTIFICATE-----`",
        cert.display()
    );
    anyhow::ensure!(
        contains(&key_pem, b"PRIVATE KEY-----"),
        "`{}` (--tls-key) holds no PEM private key (`-----BEGIN PRIVATE KEY-----`, PKCS#8, \
         or an RSA/EC key)",
        key.display()
    );
    RustlsConfig::from_pem(cert_pem, key_pem)
        .await
        .with_context(|| {
            format!(
                "cannot use certificate `{}` with key `{}` (is the key the one the certificate \
                 was issued for?)",
                cert.display(),
                key.display()
            )
        })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Whether the hub may serve plain HTTP on `addrs` (the listen address resolved): only when
/// every one is a loopback address, so no credential crosses a network unencrypted.
pub fn loopback_only(addrs: &[SocketAddr]) -> bool {
    !addrs.is_empty() && addrs.iter().all(|a| a.ip().is_loopback())
}

#[cfg(test)]
mod tests {
    use super::loopback_only;

    #[test]
    fn only_loopback_listens_may_be_plain() {
        let parse = |s: &[&str]| -> Vec<std::net::SocketAddr> {
            s.iter().map(|a| a.parse().unwrap()).collect()
        };
        assert!(loopback_only(&parse(&["127.0.0.1:8443"])));
        assert!(loopback_only(&parse(&["[::1]:8443", "127.0.0.2:1"])));
        assert!(!loopback_only(&parse(&["0.0.0.0:8443"])));
        assert!(!loopback_only(&parse(&["[::]:8443"])));
        assert!(!loopback_only(&parse(&["127.0.0.1:1", "192.168.1.5:8443"])));
        assert!(!loopback_only(&[]));
    }
}
