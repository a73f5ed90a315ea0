//! The cluster's certificate authority: a self-signed CA made at start (CN `kubernetes`, ten
//! years, as kubeadm makes it), which the root CA publisher puts in every namespace as the
//! `kube-root-ca.crt` ConfigMap, for pods to verify the API server with.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};

/// Ten years, as kubeadm's CA.
const VALIDITY_DAYS: i64 = 3650;

/// A new CA certificate, PEM-encoded.
pub fn generate() -> Result<String, rcgen::Error> {
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params
        .distinguished_name
        .push(DnType::CommonName, "kubernetes");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyCertSign,
    ];
    let now = std::time::SystemTime::now();
    params.not_before = now.into();
    params.not_after = (now + std::time::Duration::from_secs(VALIDITY_DAYS as u64 * 86_400)).into();
    Ok(params.self_signed(&key)?.pem())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pem_certificate() {
        let pem = super::generate().unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"), "{pem}");
        assert!(pem.trim_end().ends_with("-----END CERTIFICATE-----"));
        assert_ne!(pem, super::generate().unwrap(), "each start has its own CA");
    }
}
