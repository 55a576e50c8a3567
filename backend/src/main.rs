//! `quota-exchange`: the server and its operator commands (product.md §7).

use std::process::ExitCode;

use quota_backend::app::Application;
use quota_backend::config::Settings;
use quota_backend::store::Database;
use quota_backend::{accounts, demo, with_store};

const USAGE: &str = "\
增减挂钩节余指标交易平台 / Quota Exchange

用法 / usage: quota-exchange [COMMAND]

  serve [--addr HOST:PORT] [--static-dir DIR]   启动服务（默认命令）/ run the server (default)
  migrate                                       建表并载入参考数据 / schema + reference data
  demo                                          载入演示数据（仅一次）/ load the demo data once
  backup --to FILE                              SQLite 在线一致备份 / consistent SQLite copy while serving
  audit verify                                  校验审计链，断裂时非零退出并指出第一条 / check the audit chain
  user add --username U --role ROLE [--county CODE] [--regional-bidder] --password-stdin
                                                新建账号，密码从标准输入读取 / add an account
                                                ROLE: admin | county_bureau | buyer | finance

环境变量 / environment:
  DATABASE_URL   sqlite://PATH 或 postgres://USER@HOST:PORT/DB（默认 sqlite://data/quota-exchange.db）
  QX_ADDR        监听地址 / listen address (default 127.0.0.1:8080)
  QX_STATIC_DIR  网页文件目录 / built web app (default frontend/dist)
  RUST_LOG       日志级别 / log filter (default info)
";

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("quota-exchange: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("quota-exchange: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: Vec<String>) -> Result<(), String> {
    let mut settings = Settings::from_env().map_err(|e| e.to_string())?;
    let (command, rest) = match args.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => ("serve", &[][..]),
    };
    match command {
        "serve" => {
            let mut it = rest.iter();
            while let Some(flag) = it.next() {
                let value = it
                    .next()
                    .ok_or_else(|| format!("{flag} 需要一个值 / needs a value\n\n{USAGE}"))?;
                match flag.as_str() {
                    "--addr" => {
                        settings.addr = value.parse().map_err(|_| {
                            format!("--addr 无效 / invalid --addr {value:?}: expected HOST:PORT")
                        })?;
                    }
                    "--static-dir" => settings.static_dir = value.into(),
                    other => return Err(format!("未知参数 / unknown option {other}\n\n{USAGE}")),
                }
            }
            let app = Application::build(&settings)
                .await
                .map_err(|e| e.to_string())?;
            // Tests and scripts read this line to learn the real port.
            println!("listening on http://{}", app.addr());
            app.run_until_stopped().await.map_err(|e| e.to_string())
        }
        "migrate" => {
            let db = connect(&settings).await?;
            db.migrate().await.map_err(|e| e.to_string())?;
            println!("数据库已迁移 / migrated ({})", settings.database.redacted());
            Ok(())
        }
        "demo" => {
            let db = connect(&settings).await?;
            db.migrate().await.map_err(|e| e.to_string())?;
            let now = settings.clock.now();
            let outcome =
                with_store!(&db, s => demo::load(s, now).await).map_err(|e| e.to_string())?;
            match outcome {
                demo::DemoOutcome::Loaded => println!("演示数据已载入 / demo data loaded"),
                demo::DemoOutcome::AlreadyPresent => {
                    println!("演示数据已存在，未重复载入 / demo data already present")
                }
            }
            println!("演示账号（用户名 / 密码）/ demo logins (username / password):");
            for line in demo::login_lines() {
                println!("{line}");
            }
            Ok(())
        }
        "user" => {
            let Some(("add", flags)) = rest.split_first().map(|(a, f)| (a.as_str(), f)) else {
                return Err(format!(
                    "用法 / usage: quota-exchange user add …\n\n{USAGE}"
                ));
            };
            user_add(&settings, flags).await
        }
        "backup" => {
            let to = match rest {
                [flag, file] if flag == "--to" => std::path::PathBuf::from(file),
                _ => {
                    return Err(format!(
                        "用法 / usage: quota-exchange backup --to FILE\n\n{USAGE}"
                    ));
                }
            };
            let db = connect(&settings).await?;
            db.backup_to(&to).await?;
            println!("已备份到 / backed up to {}", to.display());
            Ok(())
        }
        "audit" => {
            if rest.first().map(String::as_str) != Some("verify") {
                return Err(format!(
                    "用法 / usage: quota-exchange audit verify\n\n{USAGE}"
                ));
            }
            let db = connect(&settings).await?;
            db.migrate().await.map_err(|e| e.to_string())?;
            let v = with_store!(&db, s => quota_backend::routes::audit::verify_audit(s).await)
                .map_err(|e| format!("{:?}", e))?;
            match v.broken {
                None => {
                    println!(
                        "审计链完整 / audit chain intact: {} 条记录 / records",
                        v.records
                    );
                    Ok(())
                }
                Some(broken) => Err(broken),
            }
        }
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("未知命令 / unknown command {other:?}\n\n{USAGE}")),
    }
}

async fn user_add(settings: &Settings, flags: &[String]) -> Result<(), String> {
    let (mut username, mut role, mut county, mut bidder, mut from_stdin) =
        (None, None, None, false, false);
    let mut it = flags.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} 需要一个值 / needs a value"))
        };
        match flag.as_str() {
            "--username" => username = Some(value()?),
            "--role" => role = Some(value()?),
            "--county" => county = Some(value()?),
            "--regional-bidder" => bidder = true,
            "--password-stdin" => from_stdin = true,
            other => return Err(format!("未知参数 / unknown option {other}\n\n{USAGE}")),
        }
    }
    let username = username.ok_or("缺少 --username / --username is required")?;
    let role = accounts::parse_role(&role.ok_or("缺少 --role / --role is required")?)?;
    if !from_stdin {
        return Err("请用 --password-stdin 从标准输入提供密码 / give the password on standard input with --password-stdin".into());
    }
    let mut password = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut password)
        .map_err(|e| format!("无法读取标准输入 / cannot read standard input: {e}"))?;
    let password = accounts::strip_one_newline(password);
    let db = connect(settings).await?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let spec = accounts::AccountSpec {
        username: &username,
        password: &password,
        role,
        county: county.as_deref(),
        regional_bidder: bidder,
    };
    let now = settings.clock.now();
    with_store!(&db, s => accounts::add_user(s, spec, "cli", now).await)?;
    println!("已创建账号 / created {username} ({})", role.label_zh());
    Ok(())
}

async fn connect(settings: &Settings) -> Result<Database, String> {
    Database::connect(&settings.database)
        .await
        .map_err(|e| e.to_string())
}
