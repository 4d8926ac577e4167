//! Organisations behind e-mail addresses: who employs the people who change a project.
//!
//! The elephant factor (CHAOSS: the fewest organisations whose people make half the commits), the
//! concentration of the largest one (CHAOSS Organizational Diversity) and the report's top
//! organisations count organisations, not e-mail domains: `amazon.com` and `amazon.co.uk` are one
//! company, and `gmail.com` is none. An address's organisation is found in this order:
//!
//! 1. a **personal** mail service (`gmail.com`, `users.noreply.github.com`, ...; the address or a
//!    domain it is under): the person is an individual, never an organisation;
//! 2. the **mapping** (`src/mine/organisations.toml`, compiled in, after the user's own file of the same
//!    form, whose entries win): a domain names its organisation for itself and its subdomains
//!    (`microsoft.com` covers `linux.microsoft.com`), `BRAND.*` for the brand under any public
//!    suffix (`amazon.*` covers `amazon.de` and `amazon.co.uk`);
//! 3. otherwise the registrable domain itself (`mail.example.org` is `example.org`).
//!
//! An address without a domain is an individual. Where figures are made (see
//! [`crate::mine::activity`]), an unmapped domain with a single author in the window is that person's
//! own (counted with the individuals, never named: a domain of one would name the person).

use std::collections::{HashMap, HashSet};

/// What an address says of its owner's organisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Affiliation {
    /// An organisation: a mapped name (`Amazon`), or an unmapped registrable domain.
    Org {
        /// The mapped name (`Amazon`), else the registrable domain (`example.org`).
        name: String,
        /// The name comes from the mapping; false when it is the address's own domain.
        mapped: bool,
    },
    /// A person on a personal mail service, or without a domain.
    Individual,
}

/// The mapping from domains to organisations, and the personal mail services.
#[derive(Debug, Clone)]
pub struct Organisations {
    personal: HashSet<String>,
    exact: HashMap<String, String>,
    brands: HashMap<String, String>,
    key: String,
}

/// Why the user's organisations file (`--organisations`, or a run configuration's
/// `organisations`) could not be used.
#[derive(Debug, thiserror::Error)]
pub enum OrganisationsError {
    /// The file could not be read.
    #[error("{}", .path.display())]
    Read {
        /// The user's file.
        path: std::path::PathBuf,
        /// The reading error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not TOML of the mapping's form (`personal`, `[organisations]`).
    #[error("{}: {message}", .path.display())]
    Parse {
        /// The user's file.
        path: std::path::PathBuf,
        /// What is wrong: the TOML error, or an unknown key.
        message: String,
    },
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default)]
    personal: Vec<String>,
    #[serde(default)]
    organisations: std::collections::BTreeMap<String, Vec<String>>,
}

static BUILT_IN: &str = include_str!("organisations.toml");

impl Default for Organisations {
    fn default() -> Organisations {
        Organisations::from_texts(&[BUILT_IN])
            .expect("the built-in mapping parses (a test checks it)")
    }
}

impl Organisations {
    /// The built-in mapping with the user's file (`path`) read first: its entries win.
    pub fn with_file(path: Option<&std::path::Path>) -> Result<Organisations, OrganisationsError> {
        let Some(path) = path else {
            return Ok(Organisations::default());
        };
        let text = std::fs::read_to_string(path).map_err(|source| OrganisationsError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Organisations::from_texts(&[&text, BUILT_IN]).map_err(|message| OrganisationsError::Parse {
            path: path.to_path_buf(),
            message,
        })
    }

    /// The mapping of `texts`, the first one's entries winning.
    fn from_texts(texts: &[&str]) -> Result<Organisations, String> {
        let mut out = Organisations {
            personal: HashSet::new(),
            exact: HashMap::new(),
            brands: HashMap::new(),
            key: String::new(),
        };
        let mut fingerprint = Vec::new();
        for text in texts {
            let file: MappingFile = toml::from_str(text).map_err(|e| e.to_string())?;
            fingerprint.extend_from_slice(text.as_bytes());
            for domain in file.personal {
                out.personal.insert(domain.to_ascii_lowercase());
            }
            for (name, domains) in file.organisations {
                for domain in domains {
                    let domain = domain.to_ascii_lowercase();
                    let (map, key) = match domain.strip_suffix(".*") {
                        Some(brand) => (&mut out.brands, brand.to_string()),
                        None => (&mut out.exact, domain),
                    };
                    map.entry(key).or_insert_with(|| name.clone());
                }
            }
        }
        out.key = format!("{:016x}", crate::text::fnv1a(&fingerprint));
        Ok(out)
    }

    /// A fingerprint of the mapping: stored figures are reused only under the same one.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The affiliation of an identity (an e-mail address, or a name without one).
    pub fn affiliation(&self, identity: &str) -> Affiliation {
        let Some((_, domain)) = identity.rsplit_once('@') else {
            return Affiliation::Individual;
        };
        let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
        if domain.is_empty() {
            return Affiliation::Individual;
        }
        let suffixes: Vec<&str> = std::iter::successors(Some(domain.as_str()), |d| {
            d.split_once('.')
                .map(|(_, rest)| rest)
                .filter(|r| r.contains('.'))
        })
        .collect();
        if suffixes.iter().any(|s| self.personal.contains(*s)) {
            return Affiliation::Individual;
        }
        if let Some(name) = suffixes.iter().find_map(|s| self.exact.get(*s)) {
            return Affiliation::Org {
                name: name.clone(),
                mapped: true,
            };
        }
        let (brand, registrable) = registrable(&domain);
        if let Some(name) = self.brands.get(brand) {
            return Affiliation::Org {
                name: name.clone(),
                mapped: true,
            };
        }
        Affiliation::Org {
            name: registrable.to_string(),
            mapped: false,
        }
    }
}

/// The brand label and the registrable domain of `domain`: the label before the public suffix,
/// where the suffix is the last label, or the last two when the one before the last is a short
/// second-level label (`co.uk`, `com.au`, `ac.jp`).
fn registrable(domain: &str) -> (&str, &str) {
    let labels: Vec<&str> = domain.split('.').collect();
    let n = labels.len();
    let suffix = match n >= 3 && labels[n - 2].len() <= 3 {
        true => 2,
        false => 1,
    };
    if n <= suffix {
        return (domain, domain);
    }
    let brand = labels[n - 1 - suffix];
    let start: usize = labels[..n - 1 - suffix].iter().map(|l| l.len() + 1).sum();
    (brand, &domain[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(name: &str, mapped: bool) -> Affiliation {
        Affiliation::Org {
            name: name.into(),
            mapped,
        }
    }

    #[test]
    fn domains_group_into_organisations() {
        let o = Organisations::default();
        assert_eq!(o.affiliation("a@amazon.com"), org("Amazon", true));
        assert_eq!(o.affiliation("b@amazon.co.uk"), org("Amazon", true));
        assert_eq!(o.affiliation("c@AMAZON.de"), org("Amazon", true));
        assert_eq!(
            o.affiliation("d@linux.microsoft.com"),
            org("Microsoft", true)
        );
        assert_eq!(o.affiliation("e@suse.cz"), org("SUSE", true));
        assert_eq!(o.affiliation("f@gmail.com"), Affiliation::Individual);
        assert_eq!(
            o.affiliation("123+g@users.noreply.github.com"),
            Affiliation::Individual
        );
        assert_eq!(o.affiliation("no-address"), Affiliation::Individual);
        assert_eq!(
            o.affiliation("h@mail.example.org"),
            org("example.org", false)
        );
        assert_eq!(
            o.affiliation("i@cyberus-technology.de"),
            org("cyberus-technology.de", false)
        );
        assert_eq!(o.affiliation("j@lab.ox.ac.uk"), org("ox.ac.uk", false));
    }

    #[test]
    fn the_users_file_wins() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("orgs.toml");
        std::fs::write(
            &path,
            "personal = [\"example.net\"]\n[organisations]\n\"AWS\" = [\"amazon.com\"]\n\"Acme\" = [\"acme.*\"]\n",
        )
        .expect("written");
        let o = Organisations::with_file(Some(&path)).expect("parses");
        assert_eq!(o.affiliation("a@amazon.com"), org("AWS", true));
        assert_eq!(o.affiliation("b@amazon.co.uk"), org("Amazon", true));
        assert_eq!(o.affiliation("c@acme.io"), org("Acme", true));
        assert_eq!(o.affiliation("d@example.net"), Affiliation::Individual);
        assert_ne!(o.key(), Organisations::default().key());
        std::fs::write(&path, "[organisations]\nx = 1\n").expect("written");
        assert!(Organisations::with_file(Some(&path)).is_err());
    }
}
