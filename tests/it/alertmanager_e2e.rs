//! End to end: the real Alertmanager binary runs a compiled `alertmanager.yml` on loopback, an
//! alert is posted to its API, and the notifications arrive at a local webhook listener and a
//! local SMTP sink, grouped as the site's routing tree says. Everything listens on 127.0.0.1 with
//! ports the OS picks; every wait is bounded.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any one step may take before the test gives up.
const STEP: Duration = Duration::from_secs(30);
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Kills the Alertmanager process when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// Listens on a loopback port the OS picks and serves each connection on its own thread.
fn listen(sender: Sender<String>, serve: fn(TcpStream, &Sender<String>)) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback listener");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let sender = sender.clone();
            std::thread::spawn(move || serve(stream, &sender));
        }
    });
    port
}

/// A minimal HTTP/1.1 server: answers 200 to every request and forwards each body.
fn serve_http(stream: TcpStream, sender: &Sender<String>) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let mut writer = stream.try_clone().expect("clone stream");
    let mut reader = BufReader::new(stream);
    // Keep-alive: several requests may come over one connection.
    loop {
        let mut length = 0usize;
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let _ = sender.send(String::from_utf8_lossy(&body).into_owned());
        if writer
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            .is_err()
        {
            return;
        }
    }
}

/// A minimal SMTP server without TLS or authentication: forwards each message with its envelope.
fn serve_smtp(stream: TcpStream, sender: &Sender<String>) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let mut writer = stream.try_clone().expect("clone stream");
    let mut reader = BufReader::new(stream);
    let mut reply = |text: &str| writer.write_all(format!("{text}\r\n").as_bytes()).is_ok();
    if !reply("220 sink.localhost ESMTP") {
        return;
    }
    let mut envelope = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_ascii_uppercase();
        let ok = if command.starts_with("EHLO") || command.starts_with("HELO") {
            reply("250 sink.localhost")
        } else if command.starts_with("MAIL FROM") || command.starts_with("RCPT TO") {
            envelope.push_str(&line);
            reply("250 OK")
        } else if command == "DATA" {
            if !reply("354 end with <CRLF>.<CRLF>") {
                return;
            }
            let mut message = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if line == ".\r\n" {
                    break;
                }
                message.push_str(&line);
            }
            let _ = sender.send(format!("{envelope}{message}"));
            envelope.clear();
            reply("250 OK queued")
        } else if command == "QUIT" {
            let _ = reply("221 bye");
            return;
        } else {
            reply("250 OK")
        };
        if !ok {
            return;
        }
    }
}

/// Sends one HTTP request to loopback and returns the status code and body.
fn http(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

fn receive(channel: &Receiver<String>, what: &str, deadline: Instant) -> String {
    let left = deadline.saturating_duration_since(Instant::now());
    channel
        .recv_timeout(left)
        .unwrap_or_else(|_| panic!("no {what} arrived within {STEP:?}"))
}

#[test]
fn a_posted_alert_reaches_the_webhook_and_the_inbox_grouped_as_routed() {
    let Some(alertmanager) = common::tool("prometheus-alertmanager") else {
        return;
    };
    let (hook_tx, hooks) = mpsc::channel();
    let (mail_tx, mails) = mpsc::channel();
    let hook_port = listen(hook_tx, serve_http);
    let smtp_port = listen(mail_tx, serve_smtp);
    let site = format!(
        r#"
[site]
name = "e2e"

[alertmanager.smtp]
smarthost = "127.0.0.1:{smtp_port}"
from = "alertmanager@example.com"
hello = "e2e.localhost"
require_tls = false

[route]
receiver = "hook"
group_by = ["alertname", "team"]
group_wait = "1s"
group_interval = "1s"
repeat_interval = "1h"

[[route.routes]]
matchers = ['team="db"']
receiver = "db-mail"
continue = true

[[route.routes]]
matchers = ['team=~".+"']
receiver = "hook"

[[receivers]]
name = "hook"
webhook = [{{ url = "http://127.0.0.1:{hook_port}/alerts" }}]

[[receivers]]
name = "db-mail"
email = [{{ to = "db@example.com" }}]
"#
    );
    let compiled = common::compile_text("e2e.toml", &site);
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("alertmanager.yml");
    std::fs::write(&config, &compiled.tree["alertmanager.yml"]).expect("write config");
    let web_port = free_port();
    let log = dir.path().join("alertmanager.log");
    let child = Command::new(&alertmanager)
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.path={}", dir.path().join("data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{web_port}"))
        // An empty cluster address turns gossip off: one instance, nothing listening beyond the web port.
        .arg("--cluster.listen-address=")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("create the log"))
        .spawn()
        .expect("start alertmanager");
    let _running = Running(child);

    let deadline = Instant::now() + STEP;
    while !matches!(http(web_port, "GET", "/-/ready", ""), Ok((200, _))) {
        if Instant::now() >= deadline {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!("alertmanager did not become ready on 127.0.0.1:{web_port}; its log:\n{log}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }

    let alert = |team: &str, instance: &str| json!({ "labels": { "alertname": "DiskFull", "team": team, "instance": instance }, "annotations": { "summary": format!("{instance} is full") } });
    let alerts = json!([alert("db", "db-1"), alert("db", "db-2"), alert("web", "web-1")]);
    let (status, body) = http(web_port, "POST", "/api/v2/alerts", &alerts.to_string()).expect("post alerts");
    assert_eq!(status, 200, "alertmanager refused the alerts: {body}");

    // The webhook gets one notification per group: db (2 alerts, through `continue`) and web (1 alert).
    let deadline = Instant::now() + STEP;
    let mut groups: Vec<(String, Vec<String>)> = (0..2)
        .map(|_| {
            let notification: Value =
                serde_json::from_str(&receive(&hooks, "webhook notification", deadline)).expect("webhook body is JSON");
            assert_eq!(notification["receiver"], "hook");
            assert_eq!(notification["status"], "firing");
            assert_eq!(notification["groupLabels"]["alertname"], "DiskFull");
            let team = notification["groupLabels"]["team"]
                .as_str()
                .expect("grouped by team")
                .to_owned();
            let mut instances: Vec<String> = notification["alerts"]
                .as_array()
                .expect("alerts")
                .iter()
                .map(|a| a["labels"]["instance"].as_str().expect("instance").to_owned())
                .collect();
            instances.sort();
            (team, instances)
        })
        .collect();
    groups.sort();
    assert_eq!(
        groups,
        [
            ("db".to_owned(), vec!["db-1".to_owned(), "db-2".to_owned()]),
            ("web".to_owned(), vec!["web-1".to_owned()])
        ]
    );

    // The db group also goes, as one e-mail with both alerts, to the db team's inbox.
    let mail = receive(&mails, "e-mail", Instant::now() + STEP);
    assert!(mail.contains("RCPT TO:<db@example.com>"), "wrong recipient:\n{mail}");
    assert!(
        mail.contains("MAIL FROM:<alertmanager@example.com>"),
        "wrong sender:\n{mail}"
    );
    let subject = mail
        .lines()
        .find(|l| l.starts_with("Subject:"))
        .unwrap_or_else(|| panic!("no subject:\n{mail}"));
    assert!(
        subject.contains("[FIRING:2]") && subject.contains("DiskFull") && subject.contains("db"),
        "{subject}"
    );
    assert!(
        mail.contains("db-1") && mail.contains("db-2") && !mail.contains("web-1"),
        "the e-mail must hold exactly the db group"
    );
    assert!(
        mails.recv_timeout(Duration::from_secs(2)).is_err(),
        "only the db group is routed to e-mail"
    );
}
