//! `quota-exchange`: the server and its operator commands (product.md §7).

use std::process::ExitCode;

use quota_backend::app::Application;
use quota_backend::config::Settings;
use quota_backend::store::Database;
use quota_backend::{demo, with_store};

const USAGE: &str = "\
增减挂钩节余指标交易平台 / Quota Exchange

用法 / usage: quota-exchange [COMMAND]

  serve [--addr HOST:PORT] [--static-dir DIR]   启动服务（默认命令）/ run the server (default)
  migrate                                       建表并载入参考数据 / schema + reference data
  demo                                          载入演示数据（仅一次）/ load the demo data once

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
            let outcome = with_store!(&db, s => demo::load(s).await).map_err(|e| e.to_string())?;
            match outcome {
                demo::DemoOutcome::Loaded => println!("演示数据已载入 / demo data loaded"),
                demo::DemoOutcome::AlreadyPresent => {
                    println!("演示数据已存在，未重复载入 / demo data already present")
                }
            }
            println!("演示数据：各县基准指导价（龙圩区未设定）/ demo data: county base prices");
            println!(
                "演示账号：账户功能尚未上线，暂无登录 / demo logins: accounts are not built yet"
            );
            Ok(())
        }
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("未知命令 / unknown command {other:?}\n\n{USAGE}")),
    }
}

async fn connect(settings: &Settings) -> Result<Database, String> {
    Database::connect(&settings.database)
        .await
        .map_err(|e| e.to_string())
}
