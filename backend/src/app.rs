//! [`Application`]: connect, migrate, start the scheduler, bind (port 0 allowed), then serve
//! until Ctrl-C/SIGTERM.

use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::scheduler::Scheduler;
use crate::state::AppState;
use crate::store::{ConnectError, Database, StoreError};
use crate::{http, with_store};

/// Why the server could not start; each names what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("数据库迁移失败 / migration failed: {0}")]
    Migrate(#[from] StoreError),
    #[error("无法监听 {addr} / cannot listen on {addr} (QX_ADDR / --addr): {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    addr: SocketAddr,
    database: Database,
}

impl Application {
    /// Connects and migrates the database, then binds the address and reports the real one.
    pub async fn build(settings: &Settings) -> Result<Self, StartError> {
        crate::meters::install();
        let database = Database::connect(&settings.database).await?;
        database.migrate().await?;
        let params = settings.auction.clone();
        let clock = settings.clock.clone();
        let router = with_store!(database.clone(), s => {
            if settings.scheduler {
                Scheduler::new(s.clone(), params.clone()).spawn(clock.clone());
            }
            let state = AppState {
                store: s,
                clock: clock.clone(),
                params: params.clone(),
                sessions: settings.sessions,
                rules: Default::default(),
            };
            http::router(state, &settings.static_dir)
        });
        let listener =
            TcpListener::bind(settings.addr)
                .await
                .map_err(|source| StartError::Bind {
                    addr: settings.addr,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: settings.addr,
            source,
        })?;
        Ok(Self {
            listener,
            router,
            addr,
            database,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn database(&self) -> &Database {
        &self.database
    }

    /// Serves until Ctrl-C or SIGTERM, letting requests in flight finish.
    ///
    /// Every connection has `TCP_NODELAY`: a response written in more than one piece (headers,
    /// then a file's body) otherwise waits for the client's delayed acknowledgement, up to
    /// 40 ms on each keep-alive request.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        use axum::serve::ListenerExt;
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
        });
        axum::serve(listener, self.router)
            .with_graceful_shutdown(shutdown_signal())
            .await
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
