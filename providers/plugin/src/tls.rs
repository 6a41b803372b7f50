//! go-plugin's AutoMTLS: the host makes a certificate for each run and passes it to the plugin
//! in `PLUGIN_CLIENT_CERT`; the plugin answers with its own certificate in the handshake line.
//! Each side then accepts exactly the other's certificate, pinned byte for byte, not a chain
//! (both are self-signed CA certificates, which WebPKI would refuse as end entities).
//!
//! go-plugin servers sign with P-521 keys, which rustls's ring provider cannot verify, so the
//! pinned-server verifier checks `ecdsa_secp521r1_sha512` signatures with the `p521` crate.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, Error, SignatureScheme};
use std::sync::Arc;

/// A certificate and its key, made for one run (go-plugin's template: `localhost`, a CA that
/// may authenticate both clients and servers).
pub struct Identity {
    /// The certificate, DER.
    pub cert: CertificateDer<'static>,
    /// The certificate, PEM (what `PLUGIN_CLIENT_CERT` carries).
    pub cert_pem: String,
    key: PrivatePkcs8KeyDer<'static>,
}

impl Identity {
    /// A fresh P-256 certificate for `localhost`.
    pub fn generate() -> Result<Identity, String> {
        use rcgen::{BasicConstraints, KeyPair, KeyUsagePurpose as Ku, PKCS_ECDSA_P256_SHA256};
        use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose as Eku, IsCa};
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(|e| e.to_string())?;
        let mut params =
            CertificateParams::new(vec!["localhost".to_string()]).map_err(|e| e.to_string())?;
        params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        params
            .distinguished_name
            .push(DnType::OrganizationName, "AutoStack");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            Ku::DigitalSignature,
            Ku::KeyEncipherment,
            Ku::KeyAgreement,
            Ku::KeyCertSign,
        ];
        params.extended_key_usages = vec![Eku::ClientAuth, Eku::ServerAuth];
        params.not_before = rcgen::date_time_ymd(2000, 1, 1);
        let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
        Ok(Identity {
            cert_pem: cert.pem(),
            cert: cert.der().clone(),
            key: PrivatePkcs8KeyDer::from(key.serialize_der()),
        })
    }

    fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(self.key.clone_key())
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The host's TLS configuration: present `identity`, accept only `server_cert`, speak h2
/// (gRPC servers refuse connections that did not negotiate it).
pub fn client_config(
    identity: &Identity,
    server_cert: CertificateDer<'static>,
) -> Result<rustls::ClientConfig, String> {
    let verifier = Arc::new(PinnedServer {
        cert: server_cert,
        provider: provider(),
    });
    let mut config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_client_auth_cert(vec![identity.cert.clone()], identity.key())
        .map_err(|e| e.to_string())?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

/// A plugin server's TLS configuration: present `identity`, accept only `client_cert`.
pub fn server_config(
    identity: &Identity,
    client_cert: CertificateDer<'static>,
) -> Result<rustls::ServerConfig, String> {
    let verifier = Arc::new(PinnedClient {
        cert: client_cert,
        provider: provider(),
    });
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![identity.cert.clone()], identity.key())
        .map_err(|e| e.to_string())?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

/// The first certificate of a PEM text, DER.
pub fn pem_cert(pem: &str) -> Result<CertificateDer<'static>, String> {
    use rustls::pki_types::pem::PemObject;
    CertificateDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| format!("not a PEM certificate: {e:?}"))
}

#[derive(Debug)]
struct PinnedServer {
    cert: CertificateDer<'static>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        if end_entity.as_ref() == self.cert.as_ref() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(Error::General(
                "the plugin presented another certificate than it announced".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        if dss.scheme == SignatureScheme::ECDSA_NISTP521_SHA512 {
            return verify_p521(message, cert, dss);
        }
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        if dss.scheme == SignatureScheme::ECDSA_NISTP521_SHA512 {
            return verify_p521(message, cert, dss);
        }
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        let mut schemes = self
            .provider
            .signature_verification_algorithms
            .supported_schemes();
        schemes.push(SignatureScheme::ECDSA_NISTP521_SHA512);
        schemes
    }
}

/// Checks an ECDSA P-521 / SHA-512 handshake signature against the certificate's key.
fn verify_p521(
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
) -> Result<HandshakeSignatureValid, Error> {
    use p521::ecdsa::signature::Verifier;
    use p521::pkcs8::DecodePublicKey;
    let bad = |what: &str| Error::General(format!("plugin certificate: {what}"));
    let parsed = webpki::EndEntityCert::try_from(cert).map_err(|_| bad("not a certificate"))?;
    let spki = parsed.subject_public_key_info();
    let public =
        p521::PublicKey::from_public_key_der(spki.as_ref()).map_err(|_| bad("not a P-521 key"))?;
    let key = p521::ecdsa::VerifyingKey::from_affine(*public.as_affine())
        .map_err(|_| bad("not a P-521 key"))?;
    let sig =
        p521::ecdsa::Signature::from_der(dss.signature()).map_err(|_| bad("bad signature"))?;
    key.verify(message, &sig)
        .map(|()| HandshakeSignatureValid::assertion())
        .map_err(|_| bad("handshake signature does not verify"))
}

#[derive(Debug)]
struct PinnedClient {
    cert: CertificateDer<'static>,
    provider: Arc<CryptoProvider>,
}

impl ClientCertVerifier for PinnedClient {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        if end_entity.as_ref() == self.cert.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(Error::General(
                "the host presented another certificate than PLUGIN_CLIENT_CERT".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        if dss.scheme == SignatureScheme::ECDSA_NISTP521_SHA512 {
            return verify_p521(message, cert, dss);
        }
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        if dss.scheme == SignatureScheme::ECDSA_NISTP521_SHA512 {
            return verify_p521(message, cert, dss);
        }
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        // Terraform's go-plugin client signs with the P-521 key of its own certificate.
        let mut schemes = self
            .provider
            .signature_verification_algorithms
            .supported_schemes();
        schemes.push(SignatureScheme::ECDSA_NISTP521_SHA512);
        schemes
    }
}
