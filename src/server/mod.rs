//! `portalint server`: a Language Server Protocol server over stdio. It holds the root's warm
//! index ([`crate::engine::warm`]), applies the editor's buffers to it (a buffer overrides the
//! file on disk) and publishes the findings of the edited file and of the files that depend on
//! it; hover shows a finding's rule doc and code actions offer its fix. It reads and writes
//! only the protocol: files are changed by the editor applying the edits it returns.

mod findings;
pub mod position;

use crate::cli::{CheckArgs, ServerArgs};
use crate::engine::warm::Warm;
use crate::error::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use findings::Published;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{notification as note, request as req, Uri};
use std::collections::HashMap;
use std::io::Write;

/// An open editor buffer.
struct Open {
    uri: Uri,
    version: i32,
    text: String,
}

/// The server's state.
struct Server {
    conn: Connection,
    warm: Warm,
    /// Open buffers by path relative to the root.
    open: HashMap<String, Open>,
    /// What was last published for each file (relative path).
    published: HashMap<String, Published>,
}

/// Runs the server on stdin/stdout until the client's `exit`; returns the exit code: 0 after
/// `shutdown` then `exit`, 1 for an `exit` without `shutdown` (as LSP asks), 2 when the
/// stream ends or the root cannot be read.
pub fn run(args: &ServerArgs) -> u8 {
    let (conn, io) = transport();
    let code = match session(conn, args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("portalint server: {e}");
            EXIT_ERROR
        }
    };
    // The writer drains what is queued, then the threads end with the channels.
    drop(io);
    code
}

/// The transport: a reader thread that parses framed messages from stdin (a malformed one is
/// reported on stderr and skipped; the stream stays in step because its length was read) and
/// a writer thread that frames them to stdout, joined to the server by in-memory channels.
fn transport() -> (Connection, std::thread::JoinHandle<()>) {
    let (server, client) = Connection::memory();
    let Connection { sender, receiver } = client;
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        loop {
            match Message::read(&mut input) {
                Ok(Some(msg)) => {
                    let exit = matches!(&msg, Message::Notification(n) if n.method == note::Exit::METHOD);
                    if sender.send(msg).is_err() || exit {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    let mut shown = e.to_string();
                    shown.truncate(300);
                    eprintln!("portalint server: skipped a malformed message: {shown}");
                }
                Err(e) => {
                    eprintln!("portalint server: cannot read stdin: {e}");
                    break;
                }
            }
        }
    });
    let writer = std::thread::spawn(move || {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        for msg in receiver {
            if msg.write(&mut out).is_err() {
                break;
            }
        }
        let _ = out.flush();
    });
    (server, writer)
}

fn session(conn: Connection, args: &ServerArgs) -> Result<u8, String> {
    let (id, params) = conn.initialize_start().map_err(|e| e.to_string())?;
    let params: lsp_types::InitializeParams = serde_json::from_value(params).unwrap_or_default();
    #[allow(deprecated)]
    let client_root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or(params.root_uri.clone())
        .and_then(|u| position::path_of(&u));
    let root = args
        .root
        .clone()
        .or(client_root)
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let mut check = CheckArgs::new(vec![root]);
    check.config = args.config.clone();
    check.isolated = args.isolated;
    check.xrds = args.xrds.clone();
    check.profile = args.profile;
    check.select = args.select.clone();
    check.ignore = args.ignore.clone();
    let warm = match Warm::open(&check) {
        Ok(w) => w,
        Err(e) => {
            let msg = format!("cannot open the workspace: {}", describe(&e));
            let _ = conn
                .sender
                .send(Response::new_err(id, ErrorCode::RequestFailed as i32, msg.clone()).into());
            return Err(msg);
        }
    };
    let capabilities = lsp_types::ServerCapabilities {
        text_document_sync: Some(lsp_types::TextDocumentSyncCapability::Options(
            lsp_types::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp_types::TextDocumentSyncKind::INCREMENTAL),
                save: None,
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    };
    let result = lsp_types::InitializeResult {
        capabilities,
        server_info: Some(lsp_types::ServerInfo {
            name: "portalint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    conn.initialize_finish(id, result).map_err(|e| e.to_string())?;
    let mut server = Server {
        conn,
        warm,
        open: HashMap::new(),
        published: HashMap::new(),
    };
    // The whole root once: the editor's problem list shows every file's findings.
    let all = server.warm.all_files();
    server.recheck(&all);
    server.main_loop()
}

impl Server {
    fn main_loop(&mut self) -> Result<u8, String> {
        while let Ok(msg) = self.conn.receiver.recv() {
            match msg {
                Message::Request(r) => {
                    if self.conn.handle_shutdown(&r).map_err(|e| e.to_string())? {
                        return Ok(EXIT_CLEAN);
                    }
                    let resp = self.request(r);
                    self.send(resp.into());
                }
                Message::Notification(n) if n.method == note::Exit::METHOD => return Ok(EXIT_FINDINGS),
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
        }
        Err("the client closed the stream without `exit`".into())
    }

    fn send(&self, msg: Message) {
        let _ = self.conn.sender.send(msg);
    }

    fn log(&self, text: String) {
        let params = lsp_types::LogMessageParams {
            typ: lsp_types::MessageType::WARNING,
            message: text,
        };
        self.send(Notification::new(note::LogMessage::METHOD.into(), params).into());
    }

    fn request(&mut self, r: Request) -> Response {
        let Request { id, method, params } = r;
        let bad = |id: RequestId, e: serde_json::Error| {
            Response::new_err(id, ErrorCode::InvalidParams as i32, format!("invalid params: {e}"))
        };
        match method.as_str() {
            req::HoverRequest::METHOD => match serde_json::from_value::<lsp_types::HoverParams>(params) {
                Ok(p) => {
                    let pos = p.text_document_position_params;
                    let hover = self
                        .rel_of(&pos.text_document.uri)
                        .and_then(|rel| self.published.get(&rel))
                        .and_then(|p| p.hover(pos.position));
                    Response::new_ok(id, hover)
                }
                Err(e) => bad(id, e),
            },
            req::CodeActionRequest::METHOD => match serde_json::from_value::<lsp_types::CodeActionParams>(params) {
                Ok(p) => {
                    let actions = self.rel_of(&p.text_document.uri).map(|rel| {
                        let text = self.warm.text_of(&rel).unwrap_or("");
                        self.published
                            .get(&rel)
                            .map(|pb| pb.actions(&p.text_document.uri, &rel, text, p.range, &self.warm))
                            .unwrap_or_default()
                    });
                    Response::new_ok(id, actions.unwrap_or_default())
                }
                Err(e) => bad(id, e),
            },
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!(
                    "portalint does not serve {code0}",
                    code0 = crate::parse::text::code(&method)
                ),
            ),
        }
    }

    fn rel_of(&self, uri: &Uri) -> Option<String> {
        self.warm.rel_of(&position::path_of(uri)?)
    }

    fn notification(&mut self, n: Notification) {
        let Notification { method, params } = n;
        match method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(params) else {
                    return self.log(format!(
                        "ignored {code0}: invalid params",
                        code0 = crate::parse::text::code(&method)
                    ));
                };
                let doc = p.text_document;
                let Some(rel) = self.rel_of(&doc.uri) else {
                    return self.log(format!(
                        "{code0} is outside the root {code1}: not checked",
                        code0 = crate::parse::text::code(&doc.uri.as_str()),
                        code1 = crate::parse::text::code(&(self.warm.root().display()))
                    ));
                };
                let same = self.warm.text_of(&rel) == Some(doc.text.as_str());
                let open = Open {
                    uri: doc.uri,
                    version: doc.version,
                    text: doc.text,
                };
                let files = if same {
                    vec![rel.clone()]
                } else {
                    self.warm.edit(&rel, Some(open.text.as_str().into()))
                };
                self.open.insert(rel.clone(), open);
                // An open buffer always gets its (possibly empty) list.
                self.published.remove(&rel);
                self.recheck(&files);
            }
            note::DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(params) else {
                    return self.log(format!(
                        "ignored {code0}: invalid params",
                        code0 = crate::parse::text::code(&method)
                    ));
                };
                let Some(rel) = self.rel_of(&p.text_document.uri) else {
                    return;
                };
                let Some(open) = self.open.get_mut(&rel) else {
                    return self.log(format!(
                        "ignored a change of {code0}, which is not open",
                        code0 = crate::parse::text::code(&rel)
                    ));
                };
                position::apply_changes(&mut open.text, p.content_changes);
                open.version = p.text_document.version;
                let text: std::sync::Arc<str> = open.text.as_str().into();
                let files = self.warm.edit(&rel, Some(text));
                self.recheck(&files);
            }
            note::DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(params) else {
                    return self.log(format!(
                        "ignored {code0}: invalid params",
                        code0 = crate::parse::text::code(&method)
                    ));
                };
                let Some(rel) = self.rel_of(&p.text_document.uri) else {
                    return;
                };
                if self.open.remove(&rel).is_some() {
                    // The file on disk again (or none: an unsaved new file leaves the index).
                    let files = self.warm.edit(&rel, None);
                    self.recheck(&files);
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(params) else {
                    return self.log(format!(
                        "ignored {code0}: invalid params",
                        code0 = crate::parse::text::code(&method)
                    ));
                };
                let mut files = Vec::new();
                for change in p.changes {
                    if let Some(rel) = self.rel_of(&change.uri).filter(|r| !self.open.contains_key(r)) {
                        files.extend(self.warm.edit(&rel, None));
                    }
                }
                files.dedup();
                self.recheck(&files);
            }
            _ => {}
        }
    }

    /// Checks `files` and publishes each one's findings when they changed (an open buffer's
    /// with its version).
    fn recheck(&mut self, files: &[String]) {
        if files.is_empty() {
            return;
        }
        let started = std::time::Instant::now();
        let checked = match self.warm.check(files) {
            Ok(c) => c,
            Err(e) => return self.log(format!("the check failed: {}", describe(&e))),
        };
        let took = started.elapsed();
        // What the check covered, for the client's log (and benches/lsp.py).
        let params = lsp_types::LogMessageParams {
            typ: lsp_types::MessageType::LOG,
            message: format!(
                "checked {} files ({} documents in the workspace) in {:.1} ms",
                files.len(),
                checked.ws.docs.len(),
                took.as_secs_f64() * 1000.0
            ),
        };
        self.send(Notification::new(note::LogMessage::METHOD.into(), params).into());
        for (rel, published) in findings::convert(&checked) {
            let open = self.open.contains_key(&rel);
            let before = self.published.get(&rel);
            // An open buffer gets its list after every change; another file when its list
            // changed (and not the empty list of a file that never had findings).
            if !open && (before == Some(&published) || (before.is_none() && published.is_empty())) {
                continue;
            }
            let (uri, version) = match self.open.get(&rel) {
                Some(o) => (Some(o.uri.clone()), Some(o.version)),
                None => (position::uri_of(&self.warm.root().join(&rel)), None),
            };
            let Some(uri) = uri else { continue };
            let params = lsp_types::PublishDiagnosticsParams {
                uri,
                diagnostics: published.diagnostics(),
                version,
            };
            self.send(Notification::new(note::PublishDiagnostics::METHOD.into(), params).into());
            self.published.insert(rel, published);
        }
    }
}

/// One line for an error that ends a check (the protocol carries no excerpt).
fn describe(e: &crate::error::AppError) -> String {
    use crate::error::AppError;
    let text = match e {
        AppError::Usage(m) => m.clone(),
        AppError::Internal(m) => format!("internal error: {m}"),
        AppError::Config(c) => {
            let file = crate::parse::source::SourceFile::new(String::new(), c.path.clone(), c.text.as_str().into());
            let (line, col) = file.line_col(c.span.0);
            format!("invalid config {}:{line}:{col}: {}", c.path.display(), c.message)
        }
    };
    crate::report::escape::line(&text).to_string()
}
