"""`gongkai notice`: run the office's round and write its documents (notices, workbook, zip, round.json)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from gongkai.cli.round_options import (
    BaselineOpt,
    DbOpt,
    JobsOpt,
    PathsArg,
    RosterOpt,
    YearOpt,
    fail,
    run_checked,
)


def _issued(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise fail(f"日期格式不正确：{text}（应为 2025-01-20 这样的格式）") from exc


def register(app: typer.Typer) -> None:
    @app.command("notice")
    def notice_cmd(
        paths: PathsArg,
        out: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹（通知、汇总表、压缩包、round.json）")],
        roster: RosterOpt = None,
        baseline: BaselineOpt = None,
        db: DbOpt = None,
        year: YearOpt = None,
        template: Annotated[
            Path | None, typer.Option("--template", help="本单位的 Word 模板（红头、页眉），通知接在其后")
        ] = None,
        office: Annotated[str, typer.Option("--office", help="发文单位，如“XX县人民政府办公室”")] = "政务公开办公室",
        issued: Annotated[str | None, typer.Option("--date", help="落款日期，如 2025-01-20（默认今天）")] = None,
        jobs: JobsOpt = None,
    ) -> None:
        """核查一轮报送的报告，为每个单位写出整改通知（Word 与网页版）、汇总表（Excel）和全部通知的压缩包。

        输出文件夹中：整改通知/（每单位一份 .docx）、网页版/（.html）、核查汇总_年度.xlsx、notices.zip，
        以及 round.json（下一轮复核时用作 --baseline）。再次写入同一文件夹时，原有的通知会被替换。

        退出码：全部通过为 0，有报告需整改为 1，有文件无法读取或用法错误为 2。

        示例：gongkai notice 收到的报告.zip --roster 单位名单.csv --office "XX县人民政府办公室" --out 第一轮
        """
        from gongkai.cli.check import exit_code

        when = _issued(issued)
        if template is not None:
            try:
                from docx import Document

                Document(str(template))
            except Exception as exc:  # noqa: BLE001 - any failure to open the template is the user's file
                raise fail(f"无法打开 Word 模板 {template}：请确认是 .docx 格式（不是 .doc 或 .wps）") from exc
        for p in paths:
            if p.is_dir() and out.resolve().is_relative_to(p.resolve()):
                raise fail(f"输出文件夹 {out} 不能放在收到的报告所在的文件夹 {p} 之内，请另选位置。")
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise fail(f"无法创建输出文件夹 {out}：{exc.strerror or exc}") from exc
        rnd, base = run_checked(paths, roster, baseline, jobs, year, db, progress=True)
        from gongkai.notice.documents import (
            HTML_DIR,
            NOTICE_DIR,
            ROUND_JSON,
            ZIP_NAME,
            round_documents,
            write_documents,
        )

        docs = round_documents(rnd, office, when, template, base)
        try:
            write_documents(docs, out)
        except OSError as exc:
            raise fail(f"无法写入输出文件夹 {out}：{exc.strerror or exc}") from exc
        c = rnd.counts()
        typer.echo(
            f"本轮（{rnd.year or '年度未识别'}年度）：应报 {c['units']} 个单位，收到报告 {c['reports']} 份；"
            f"通过 {c['passed']}，需整改 {c['needs_fix']}，无法读取 {c['unreadable']}，缺报 {c['missing']}；"
            f"重复报送 {c['duplicates']}，未匹配名单 {c['unmatched']}，未读取的文件 {c['skipped']}。"
        )
        if rnd.baseline_file:
            rechecked = [e for e in rnd.entries if e.recheck is not None]
            fixed = sum(len(e.recheck.fixed) for e in rechecked if e.recheck is not None)
            typer.echo(f"复核（对照 {rnd.baseline_file}）：{len(rechecked)} 份报告，已整改 {fixed} 条。")
        typer.echo(
            f"已写出 {len(docs.notices)} 份通知：{out / NOTICE_DIR}（Word）、{out / HTML_DIR}（网页版）、"
            f"{out / ZIP_NAME}；汇总表：{out / docs.workbook}；下一轮复核用：{out / ROUND_JSON}"
        )
        raise typer.Exit(exit_code(rnd, {str(p) for p in paths}))
