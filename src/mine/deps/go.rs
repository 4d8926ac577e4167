//! Go modules: `go.mod` (or `vendor.mod`, moby's name for it) and `vendor/modules.txt`.
//!
//! `go.mod` is read as `golang.org/x/mod/modfile` reads it: directives one per line or in a
//! `verb ( ... )` block, tokens bare or quoted (`"..."`, `` `...` ``), `//` comments; a
//! `require` marked `// indirect` (the comment is `indirect`, or starts `indirect;`) is
//! indirect, every other one direct. `replace OLD [VERSION] => NEW [VERSION]` puts a module or
//! a directory in OLD's place (a directory: the code is the project's own). An unknown
//! directive, a malformed line or an unclosed block is an error naming the file and line, as
//! `go` reports it.
//!
//! `vendor/modules.txt` says which modules are vendored (a `# PATH VERSION` line followed by
//! the packages copied from it), and before go 1.17 (when `go.mod` listed only direct
//! requirements) which indirect modules the build uses.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Dependency, DepsError, Ecosystem, Found, Mapping, TreeFiles};

/// The directives `go.mod` may hold (go 1.25).
const DIRECTIVES: [&str; 10] = [
    "module",
    "go",
    "toolchain",
    "godebug",
    "require",
    "exclude",
    "replace",
    "retract",
    "tool",
    "ignore",
];

/// One `require` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Require {
    /// The module path (`github.com/a/b`).
    pub path: String,
    /// The required version (`v1.2.3`).
    pub version: String,
    /// Marked `// indirect`: required only through another module.
    pub indirect: bool,
}

/// One `replace` line: `old` (at `old_version`, or every version) by `new` (a module at
/// `new_version`, or a directory when that is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replace {
    /// The module path replaced.
    pub old: String,
    /// The one version replaced; `None` replaces every version.
    pub old_version: Option<String>,
    /// What takes its place: a module path, or a directory (`./staging/local`).
    pub new: String,
    /// The replacement's version; `None` when `new` is a directory.
    pub new_version: Option<String>,
}

/// What `go.mod` declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoMod {
    /// The `module` line's path (`None` when the file has none).
    pub module: Option<String>,
    /// The `require` lines, in file order.
    pub requires: Vec<Require>,
    /// The `replace` lines, in file order (of two for one module, the later wins).
    pub replaces: Vec<Replace>,
}

/// Reads `go.mod` (file name `file` for messages).
fn parse_go_mod(file: &str, text: &str) -> Result<GoMod, DepsError> {
    let mut out = GoMod::default();
    let mut block: Option<(String, usize)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let err = |message: String| DepsError::Parse {
            file: file.to_string(),
            line,
            message,
        };
        let (tokens, comment) = tokens(raw).map_err(err)?;
        if tokens.is_empty() {
            continue;
        }
        if let Some((verb, _)) = &block {
            if tokens == [")"] {
                block = None;
                continue;
            }
            let verb = verb.clone();
            directive(&mut out, &verb, &tokens, comment.as_deref()).map_err(err)?;
            continue;
        }
        let verb = tokens[0].as_str();
        if !DIRECTIVES.contains(&verb) {
            return Err(err(format!("unknown directive: {verb}")));
        }
        if tokens.len() == 2 && tokens[1] == "(" {
            block = Some((verb.to_string(), line));
            continue;
        }
        directive(&mut out, verb, &tokens[1..], comment.as_deref()).map_err(err)?;
    }
    if let Some((verb, line)) = block {
        return Err(DepsError::Parse {
            file: file.to_string(),
            line,
            message: format!("{verb} block is never closed with ')'"),
        });
    }
    Ok(out)
}

/// Applies one directive's arguments.
fn directive(
    out: &mut GoMod,
    verb: &str,
    args: &[String],
    comment: Option<&str>,
) -> Result<(), String> {
    match verb {
        "module" => {
            let [path] = args else {
                return Err("usage: module module/path".into());
            };
            out.module = Some(path.clone());
        }
        "require" => {
            let [path, version] = args else {
                return Err("usage: require module/path v1.2.3".into());
            };
            check_version(version)?;
            let comment = comment.unwrap_or("").trim();
            let indirect = comment == "indirect" || comment.starts_with("indirect;");
            out.requires.push(Require {
                path: path.clone(),
                version: version.clone(),
                indirect,
            });
        }
        "replace" => {
            let usage = "usage: replace module/path [v1.2.3] => other/module v1.4\n\t or replace module/path [v1.2.3] => ../local/directory";
            let arrow = args.iter().position(|a| a == "=>").ok_or(usage)?;
            let (left, right) = (&args[..arrow], &args[arrow + 1..]);
            let (old, old_version) = match left {
                [old] => (old.clone(), None),
                [old, v] => {
                    check_version(v)?;
                    (old.clone(), Some(v.clone()))
                }
                _ => return Err(usage.into()),
            };
            let (new, new_version) = match right {
                [dir] if is_directory(dir) => (dir.clone(), None),
                [_] => {
                    return Err("replacement module without version must be directory path (rooted or starting with ./ or ../)".into())
                }
                [new, v] => {
                    check_version(v)?;
                    (new.clone(), Some(v.clone()))
                }
                _ => return Err(usage.into()),
            };
            out.replaces.push(Replace {
                old,
                old_version,
                new,
                new_version,
            });
        }
        _ => {}
    }
    Ok(())
}

fn check_version(version: &str) -> Result<(), String> {
    if version.starts_with('v') && version.len() > 1 {
        Ok(())
    } else {
        Err(format!(
            "invalid version {version:?}: versions start with v"
        ))
    }
}

fn is_directory(path: &str) -> bool {
    path.starts_with("./")
        || path.starts_with("../")
        || path.starts_with('/')
        || path == "."
        || path == ".."
}

/// A line's tokens and its comment (the text after `//`, outside quotes).
fn tokens(line: &str) -> Result<(Vec<String>, Option<String>), String> {
    let mut out = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if line[at..].starts_with("//") {
            return Ok((out, Some(line[at + 2..].to_string())));
        }
        match c {
            '"' => {
                chars.next();
                let mut token = String::new();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some((_, e)) => token.push(e),
                            None => break,
                        },
                        '"' => {
                            closed = true;
                            break;
                        }
                        c => token.push(c),
                    }
                }
                if !closed {
                    return Err("unterminated quoted string".into());
                }
                out.push(token);
            }
            '`' => {
                chars.next();
                let rest = &line[at + 1..];
                let end = rest.find('`').ok_or("unterminated raw string")?;
                out.push(rest[..end].to_string());
                for _ in 0..=rest[..end].chars().count() {
                    chars.next();
                }
            }
            '(' | ')' => {
                chars.next();
                out.push(c.to_string());
            }
            _ => {
                let mut token = String::new();
                while let Some(&(at, c)) = chars.peek() {
                    if c.is_whitespace() || c == '(' || c == ')' || line[at..].starts_with("//") {
                        break;
                    }
                    token.push(c);
                    chars.next();
                }
                out.push(token);
            }
        }
    }
    Ok((out, None))
}

/// `vendor/modules.txt`: each listed module, its version (and replacement) and whether any of
/// its packages is vendored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vendored {
    /// Each listed module path, with its version and whether any of its packages is vendored.
    pub modules: BTreeMap<String, (String, bool)>,
}

/// Reads `vendor/modules.txt`: the modules it lists, and which of them have packages vendored.
fn parse_modules_txt(text: &str) -> Vendored {
    let mut out = Vendored::default();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with("## ") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# ") {
            let fields: Vec<&str> = rest.split_whitespace().collect();
            // `# PATH VERSION [=> ...]`; `# PATH => ...` is a replacement outside the build.
            current = match fields.as_slice() {
                [path, version, ..] if *version != "=>" => {
                    out.modules
                        .insert(path.to_string(), (version.to_string(), false));
                    Some(path.to_string())
                }
                _ => None,
            };
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        if let Some(module) = &current {
            if let Some(entry) = out.modules.get_mut(module) {
                entry.1 = true;
            }
        }
    }
    out
}

#[derive(Deserialize)]
struct Hosts {
    host: Vec<Host>,
}

#[derive(Deserialize)]
struct Host {
    prefix: String,
    repo: String,
}

static HOSTS_TEXT: &str = include_str!("go_hosts.toml");

/// The shipped hosts, read once (a file that does not parse is caught by the unit tests; it
/// would read as no host).
fn hosts() -> &'static [Host] {
    static HOSTS: std::sync::OnceLock<Vec<Host>> = std::sync::OnceLock::new();
    HOSTS.get_or_init(|| {
        toml::from_str::<Hosts>(HOSTS_TEXT)
            .map(|h| h.host)
            .unwrap_or_default()
    })
}

/// The shipped host whose prefix is the longest one `path` equals or lies below at a `/`, and
/// the parts of `path` below its repository (past `{1}` when its repository names one).
fn vanity(path: &str) -> Option<(&'static Host, Vec<&str>)> {
    let host = hosts()
        .iter()
        .filter(|h| path == h.prefix || path.starts_with(&format!("{}/", h.prefix)))
        .max_by_key(|h| h.prefix.len())?;
    let rest: Vec<&str> = path[host.prefix.len()..]
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    Some((host, rest))
}

/// The repository of module `path` by the `go get` rules (`None` when no rule knows its host).
pub fn repository(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["github.com" | "bitbucket.org", owner, repo, ..] if !repo.ends_with(".git") => {
            return Some(format!("https://{}/{owner}/{repo}", parts[0]));
        }
        ["gopkg.in", name] | ["gopkg.in", name, ..] if name.contains(".v") => {
            let base = &name[..name.rfind(".v")?];
            return Some(format!("https://github.com/go-{base}/{base}"));
        }
        ["gopkg.in", user, name, ..] => {
            let base = &name[..name.rfind(".v")?];
            return Some(format!("https://github.com/{user}/{base}"));
        }
        _ => {}
    }
    let (host, rest) = vanity(path)?;
    match host.repo.contains("{1}") {
        true => Some(host.repo.replace("{1}", rest.first()?)),
        false => Some(host.repo.clone()),
    }
}

/// The directory of module `path` in its repository (by the same rules as [`repository`]),
/// without a major-version suffix: the prefix of its release tags.
fn module_line(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let mut below: Vec<&str> = match parts.as_slice() {
        ["github.com" | "bitbucket.org", _, _, rest @ ..] => rest.to_vec(),
        ["gopkg.in", ..] => Vec::new(),
        _ => match vanity(path) {
            Some((host, rest)) => {
                let skip = usize::from(host.repo.contains("{1}"));
                rest.get(skip..).map(<[&str]>::to_vec).unwrap_or_default()
            }
            None => Vec::new(),
        },
    };
    if below.last().is_some_and(|v| {
        v.len() > 1 && v.starts_with('v') && v[1..].bytes().all(|b| b.is_ascii_digit())
    }) {
        below.pop();
    }
    below.join("/")
}

/// The Go dependencies of the tree, if it has a `go.mod` (or `vendor.mod`).
pub fn read(
    files: &TreeFiles<'_>,
    mapping: &Mapping,
) -> Result<Option<Vec<Dependency>>, DepsError> {
    let (file, bytes) = match files.read("go.mod")? {
        Some(b) => ("go.mod", b),
        None => match files.read("vendor.mod")? {
            Some(b) => ("vendor.mod", b),
            None => return Ok(None),
        },
    };
    let text = String::from_utf8_lossy(&bytes);
    let module = parse_go_mod(file, &text)?;
    let vendored = files
        .read("vendor/modules.txt")?
        .map(|b| parse_modules_txt(&String::from_utf8_lossy(&b)))
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut add = |path: &str, version: &str, direct: bool, out: &mut Vec<Dependency>| {
        if !seen.insert(path.to_string()) {
            return;
        }
        let replace = module
            .replaces
            .iter()
            .rev()
            .find(|r| r.old == path && r.old_version.as_deref().is_none_or(|v| v == version));
        let replaced_by = replace.map(|r| match &r.new_version {
            Some(v) => format!("{} {v}", r.new),
            None => r.new.clone(),
        });
        let target = match replace {
            Some(r) if r.new_version.is_some() => r.new.as_str(),
            _ => path,
        };
        let auto = if replace.is_some_and(|r| r.new_version.is_none()) {
            (None, Found::InRepo)
        } else if let Some(repo) = repository(target) {
            (Some(repo), Found::GoPath)
        } else {
            (None, Found::Unmapped)
        };
        let (repository, found, project) = super::choose(mapping.get(target, true), auto);
        out.push(Dependency {
            ecosystem: Ecosystem::Go,
            name: path.to_string(),
            version: version.to_string(),
            direct,
            vendored: vendored.modules.get(path).is_some_and(|m| m.1),
            replaced_by,
            repository,
            found,
            project,
            line: module_line(target),
            declared_in: file.to_string(),
        });
    };
    for r in &module.requires {
        add(&r.path, &r.version, !r.indirect, &mut out);
    }
    // Before go 1.17, go.mod named direct requirements only: the vendored rest are indirect.
    for (path, (version, has_packages)) in &vendored.modules {
        if *has_packages {
            add(path, version, false, &mut out);
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_mod_as_modfile_reads_it() {
        let text = "module example.com/m // the module\n\ngo 1.22\n\nrequire (\n\tgithub.com/a/b v1.2.3\n\t\"github.com/c/d\" v0.1.0 // indirect; from e\n)\nrequire golang.org/x/sys v0.31.0 // indirect\nreplace github.com/a/b => github.com/fork/b v1.2.4\nreplace (\n\texample.com/local v0.0.0 => ./staging/local\n)\nexclude github.com/a/b v1.0.0\n";
        let m = parse_go_mod("go.mod", text).unwrap();
        assert_eq!(m.module.as_deref(), Some("example.com/m"));
        let reqs: Vec<(&str, bool)> = m
            .requires
            .iter()
            .map(|r| (r.path.as_str(), r.indirect))
            .collect();
        assert_eq!(
            reqs,
            [
                ("github.com/a/b", false),
                ("github.com/c/d", true),
                ("golang.org/x/sys", true)
            ]
        );
        assert_eq!(m.replaces.len(), 2);
        assert_eq!(m.replaces[1].new_version, None);
    }

    #[test]
    fn bad_go_mod_lines_name_their_line() {
        let err = |t: &str| parse_go_mod("go.mod", t).unwrap_err().to_string();
        assert_eq!(
            err("module m\nrequire github.com/a/b\n"),
            "go.mod:2: usage: require module/path v1.2.3"
        );
        assert_eq!(
            err("module m\n\nfrobnicate x\n"),
            "go.mod:3: unknown directive: frobnicate"
        );
        assert_eq!(
            err("require (\n a v1\n"),
            "go.mod:1: require block is never closed with ')'"
        );
        assert!(err("replace a => b\n").starts_with("go.mod:1: replacement module without version"));
    }

    #[test]
    fn module_paths_to_repositories() {
        let r = |p: &str| repository(p);
        assert_eq!(
            r("github.com/urfave/cli/v2").as_deref(),
            Some("https://github.com/urfave/cli")
        );
        assert_eq!(
            r("github.com/moby/sys/mountinfo").as_deref(),
            Some("https://github.com/moby/sys")
        );
        assert_eq!(
            r("golang.org/x/sys").as_deref(),
            Some("https://github.com/golang/sys")
        );
        assert_eq!(
            r("gopkg.in/yaml.v3").as_deref(),
            Some("https://github.com/go-yaml/yaml")
        );
        assert_eq!(
            r("gopkg.in/square/go-jose.v2").as_deref(),
            Some("https://github.com/square/go-jose")
        );
        assert_eq!(
            r("k8s.io/klog/v2").as_deref(),
            Some("https://github.com/kubernetes/klog")
        );
        assert_eq!(
            r("go.etcd.io/etcd/client/v3").as_deref(),
            Some("https://github.com/etcd-io/etcd")
        );
        assert_eq!(
            r("go.etcd.io/bbolt").as_deref(),
            Some("https://github.com/etcd-io/bbolt")
        );
        assert_eq!(
            r("resenje.org/singleflight").as_deref(),
            Some("https://github.com/janos/singleflight")
        );
        assert_eq!(
            r("go.opentelemetry.io/collector/pdata").as_deref(),
            Some("https://github.com/open-telemetry/opentelemetry-collector")
        );
        assert_eq!(module_line("go.opentelemetry.io/collector/pdata"), "pdata");
        assert_eq!(r("example.com/unknown"), None);
        assert_eq!(r("github.com/owner"), None);
    }

    #[test]
    fn the_shipped_hosts_parse() {
        assert!(toml::from_str::<Hosts>(HOSTS_TEXT).is_ok());
        assert!(hosts().len() > 30);
    }

    #[test]
    fn module_lines_are_tag_prefixes() {
        assert_eq!(module_line("github.com/moby/sys/mountinfo"), "mountinfo");
        assert_eq!(module_line("github.com/urfave/cli/v3"), "");
        assert_eq!(module_line("github.com/a/b/sub/dir/v2"), "sub/dir");
        assert_eq!(module_line("go.etcd.io/etcd/client/v3"), "client");
        assert_eq!(module_line("golang.org/x/sys"), "");
        assert_eq!(module_line("go.opentelemetry.io/otel/sdk"), "sdk");
    }

    #[test]
    fn modules_txt_vendored_modules() {
        let text = "# github.com/a/b v1.2.3\n## explicit; go 1.22\ngithub.com/a/b\n# github.com/c/d v0.1.0 => github.com/e/d v0.1.1\n## explicit\n# example.com/x => ./x\n";
        let v = parse_modules_txt(text);
        assert_eq!(
            v.modules.get("github.com/a/b"),
            Some(&("v1.2.3".to_string(), true))
        );
        assert_eq!(
            v.modules.get("github.com/c/d"),
            Some(&("v0.1.0".to_string(), false))
        );
        assert!(!v.modules.contains_key("example.com/x"));
    }
}
