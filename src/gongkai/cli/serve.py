"""`gongkai serve`: the web pages for offices, writers and researchers."""

from __future__ import annotations

import os
from typing import Annotated

import typer

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_HOST_HELP = "监听地址；默认只在本机（127.0.0.1）。共享给他人时须设置密码"
_DB_HELP = "数据库：SQLite 文件或 postgresql:// 地址（默认为数据目录中的 gongkai.db，或 $GONGKAI_DB）"


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_cmd(
        host: Annotated[str, typer.Option("--host", help=_HOST_HELP)] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
        db: Annotated[str | None, typer.Option("--db", help=_DB_HELP)] = None,
        data: Annotated[str, typer.Option("--data", help="数据目录：存放上传的文件、批次和缓存")] = "gongkai-data",
        jobs: Annotated[int, typer.Option("--jobs", "-j", help="并行核查的进程数（默认CPU核数）")] = 0,
        max_file_mb: Annotated[int, typer.Option("--max-file-mb", help="单个文件上限（MiB）")] = 100,
        max_files: Annotated[int, typer.Option("--max-files", help="每批文件数上限")] = 2000,
        max_total_mb: Annotated[int, typer.Option("--max-total-mb", help="每批总量上限（MiB）")] = 1024,
    ) -> None:
        """启动网页服务：上传报告、查看核查结果与出处、标记问题、下载整改通知、对比与统计。

        在浏览器中打开所显示的地址即可使用。--host 不是本机地址时，必须用环境变量
        GONGKAI_PASSWORD 设置访问密码。

        示例：gongkai serve --data ~/年报核查 --port 8000
        """
        try:
            import uvicorn

            from gongkai.serve.app import PASSWORD_ENV, create_app
            from gongkai.serve.batches import Limits
        except ModuleNotFoundError as exc:
            typer.echo(f"缺少网页服务所需的组件（{exc.name}）：请安装 pip install 'gongkai[web]'", err=True)
            raise typer.Exit(2) from exc
        from gongkai.store import StoreError

        password = os.environ.get(PASSWORD_ENV) or None
        if host not in _LOOPBACK and password is None:
            typer.echo(f"--host {host} 会让其他电脑访问本服务：请先设置访问密码，例如 export {PASSWORD_ENV}=…",
                       err=True)
            raise typer.Exit(2)
        limits = Limits(max_file_mb * 2**20, max_files, max_total_mb * 2**20)
        db_url = db or os.environ.get("GONGKAI_DB")
        try:
            web = create_app(db=db_url, data_dir=data, password=password, limits=limits, jobs=jobs or None)
        except (StoreError, OSError) as exc:
            typer.echo(f"无法启动：{exc}", err=True)
            raise typer.Exit(2) from exc
        shown = f"[{host}]" if ":" in host else host
        typer.echo(f"gongkai 网页服务：http://{shown}:{port}/ （按 Ctrl+C 停止）")
        uvicorn.run(web, host=host, port=port, log_level="warning")
