//! The image pull policy default: `Always` for the tag `latest` (which an image without tag or
//! digest gets), else `IfNotPresent` — also when the reference does not parse.
//!
//! `pkg/util/parsers.ParseImageName` over `github.com/distribution/reference`'s
//! `ParseNormalizedNamed`: familiar names are normalized to `docker.io/library/…`, the
//! repository must be lowercase, and the whole must match the reference grammar
//! (`name[:tag][@digest]`, name at most 255 characters, digest of an available algorithm).

/// `Always` or `IfNotPresent` for an image reference.
pub fn pull_policy(image: &str) -> &'static str {
    if tag(image).as_deref() == Some("latest") {
        "Always"
    } else {
        "IfNotPresent"
    }
}

/// The tag `ParseImageName` reports: the given one, `latest` when neither tag nor digest is
/// given, `""` for a digest only; `None` when the reference does not parse.
fn tag(image: &str) -> Option<String> {
    if image.len() == 64
        && image
            .bytes()
            .all(|c| matches!(c, b'a'..=b'f' | b'0'..=b'9'))
    {
        return None;
    }
    let (domain, remainder) = split_docker_domain(image);
    let remote_name = remainder
        .split_once(':')
        .map_or(remainder.as_str(), |(n, _)| n);
    if remote_name.to_lowercase() != remote_name {
        return None;
    }
    let full = format!("{domain}/{remainder}");
    let (before_digest, digest) = match full.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (full.as_str(), None),
    };
    let last_slash = before_digest.rfind('/').unwrap_or(0);
    let (name, tag) = match before_digest[last_slash..].find(':') {
        Some(i) => (
            &before_digest[..last_slash + i],
            Some(&before_digest[last_slash + i + 1..]),
        ),
        None => (before_digest, None),
    };
    if !valid_name(name) || name.len() > 255 {
        return None;
    }
    if let Some(tag) = tag
        && !valid_tag(tag)
    {
        return None;
    }
    if let Some(digest) = digest
        && !valid_digest(digest)
    {
        return None;
    }
    Some(match (tag, digest) {
        (Some(tag), _) => tag.to_owned(),
        (None, Some(_)) => String::new(),
        (None, None) => "latest".to_owned(),
    })
}

/// `splitDockerDomain`.
fn split_docker_domain(name: &str) -> (String, String) {
    let Some((maybe_domain, maybe_remote)) = name.split_once('/') else {
        return ("docker.io".into(), format!("library/{name}"));
    };
    let (domain, remote) = if maybe_domain == "localhost"
        || maybe_domain.contains(['.', ':'])
        || maybe_domain.to_lowercase() != maybe_domain
    {
        (maybe_domain.to_owned(), maybe_remote.to_owned())
    } else if maybe_domain == "index.docker.io" {
        ("docker.io".to_owned(), maybe_remote.to_owned())
    } else {
        ("docker.io".to_owned(), name.to_owned())
    };
    let domain = if domain == "index.docker.io" {
        "docker.io".to_owned()
    } else {
        domain
    };
    if domain == "docker.io" && !remote.contains('/') {
        return (domain, format!("library/{remote}"));
    }
    (domain, remote)
}

/// `NameRegexp`: an optional `domain[:port]/` then `/`-separated path components.
fn valid_name(name: &str) -> bool {
    let segments: Vec<&str> = name.split('/').collect();
    let all_paths = |s: &[&str]| !s.is_empty() && s.iter().all(|c| valid_path_component(c));
    all_paths(&segments)
        || (segments.len() > 1 && valid_domain(segments[0]) && all_paths(&segments[1..]))
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`.
fn valid_path_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        if !(sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-')) {
            return false;
        }
    }
    true
}

/// `host(:port)?` with host a domain name or a bracketed IPv6 address.
fn valid_domain(d: &str) -> bool {
    let (host, port) = if let Some(rest) = d.strip_prefix('[') {
        let Some((addr, after)) = rest.split_once(']') else {
            return false;
        };
        if addr.is_empty() || !addr.bytes().all(|c| c.is_ascii_hexdigit() || c == b':') {
            return false;
        }
        match after {
            "" => return true,
            _ => match after.strip_prefix(':') {
                Some(port) => ("", port),
                None => return false,
            },
        }
    } else {
        match d.split_once(':') {
            Some((host, port)) => (host, port),
            None => (d, ""),
        }
    };
    let port_ok = port.is_empty() && !d.ends_with(':')
        || !port.is_empty() && port.bytes().all(|c| c.is_ascii_digit());
    let host_ok = host.is_empty() && d.starts_with('[')
        || !host.is_empty()
            && host.split('.').all(|c| {
                let b = c.as_bytes();
                !b.is_empty()
                    && b[0].is_ascii_alphanumeric()
                    && b[b.len() - 1].is_ascii_alphanumeric()
                    && b.iter().all(|x| x.is_ascii_alphanumeric() || *x == b'-')
            });
    port_ok && host_ok
}

/// `[\w][\w.-]{0,127}`.
fn valid_tag(t: &str) -> bool {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let b = t.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && word(b[0])
        && b.iter().all(|&c| word(c) || c == b'.' || c == b'-')
}

/// The digest grammar, then `digest.Parse`: sha256, sha384 or sha512 with as many lowercase
/// hex digits as the hash has.
fn valid_digest(d: &str) -> bool {
    let Some((algorithm, encoded)) = d.split_once(':') else {
        return false;
    };
    let len = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return false,
    };
    encoded.len() == len
        && encoded
            .bytes()
            .all(|c| matches!(c, b'a'..=b'f' | b'0'..=b'9'))
}
