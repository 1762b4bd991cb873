"""Write fixtures/sites/al-rafidain/: a small Arabic news site served as windows-1256 — the charset
in the HTTP header on some pages, only in <meta> on others, and declared nowhere on one.
Deterministic; re-run after changing it and review the diff."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "sites" / "al-rafidain"

# (path, title, author, published, charset declared in: "header" | "meta" | "none", paragraphs)
STORIES = [
    ("news/2024/05/12/baghdad-bridge.html", "افتتاح جسر جديد على نهر دجلة في بغداد", "علي حسن",
     "2024-05-12T10:30:00+03:00", "header", [
        "افتتحت أمانة بغداد صباح اليوم جسراً جديداً على نهر دجلة يربط بين جانبي الكرخ والرصافة، بعد ثلاث سنوات من العمل.",
        "وقال أمين بغداد إن الجسر سيخفف الزحام المروري في وسط العاصمة، ويختصر زمن التنقل بين الجانبين إلى النصف تقريباً.",
        "وشارك في تنفيذ المشروع مهندسون عراقيون وشركات محلية، فيما بلغت كلفته الإجمالية نحو مئة مليار دينار.",
    ]),
    ("news/2024/05/13/basra-dates.html", "موسم قياسي لتصدير التمور من البصرة", "زينب كريم",
     "2024-05-13T09:00:00+03:00", "meta", [
        "أعلنت مديرية زراعة البصرة أن صادرات التمور هذا الموسم تجاوزت كل التوقعات، مع فتح أسواق جديدة في آسيا وأوروبا.",
        "وأوضح مدير الزراعة أن المزارعين استفادوا من برامج الدعم الحكومي ومن تحسن خدمات التبريد والتغليف في الموانئ.",
        "ويأمل المصدرون أن تستعيد البصرة مكانتها التاريخية بوصفها واحدة من أكبر مناطق إنتاج التمور في العالم.",
    ]),
    ("news/2024/05/14/mosul-library.html", "إعادة افتتاح المكتبة المركزية في جامعة الموصل", "عمر سعيد",
     "2024-05-14T18:15:00", "none", [
        "أعيد اليوم افتتاح المكتبة المركزية في جامعة الموصل بعد سنوات من إعادة الإعمار، وقد تبرع آلاف الأشخاص بالكتب لها.",
        "وقال رئيس الجامعة إن المكتبة تضم الآن أكثر من مئة ألف كتاب، إلى جانب قاعات حديثة للقراءة والبحث العلمي.",
        "وحضر حفل الافتتاح طلاب وأساتذة ومتطوعون شاركوا في جمع الكتب وترميم المخطوطات التي نجت من الدمار.",
    ]),
]


def page(title: str, author: str, published: str, meta_charset: bool, paragraphs: list[str]) -> str:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">\n' if meta_charset else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
{meta}<title>{title} - الرافدين</title>
<meta property="og:type" content="article">
<meta property="og:site_name" content="الرافدين">
<meta name="author" content="{author}">
</head>
<body>
<header><a href="__BASE__/">الرافدين</a></header>
<article>
<h1>{title}</h1>
<div class="meta">بقلم {author} — <time datetime="{published}">{published[:10]}</time></div>
<div class="article-body">
{body}
</div>
<div class="share-buttons"><a href="https://twitter.com/share">شارك</a></div>
</article>
<div id="comments" class="comments-area"><h3>التعليقات</h3><p>أضف تعليقاً</p></div>
<footer>جميع الحقوق محفوظة © الرافدين</footer>
</body>
</html>
"""


def write(path: str, content: bytes, headers: dict | None = None) -> None:
    target = ROOT / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    if headers:
        target.with_name(target.name + ".headers.json").write_text(json.dumps(headers, ensure_ascii=False, indent=1) + "\n")


def main() -> None:
    links = []
    for path, title, author, published, declared, paragraphs in STORIES:
        html = page(title, author, published, declared == "meta", paragraphs).encode("cp1256")
        content_type = "text/html; charset=windows-1256" if declared == "header" else "text/html"
        write(path, html, {"Content-Type": content_type})
        links.append(f'<li><a href="__BASE__/{path}">{title}</a></li>')
    home = f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1256"><title>الرافدين - أخبار العراق</title></head>
<body><h1>الرافدين</h1><ul class="latest">
{chr(10).join(links)}
</ul></body></html>
"""
    write("index.html", home.encode("cp1256"), {"Content-Type": "text/html"})
    write("robots.txt", b"User-agent: *\nDisallow:\n")


if __name__ == "__main__":
    main()
