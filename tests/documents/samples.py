"""Sample files for the document tests: harmless and hostile SVG logos."""


def use_bomb(depth: int, fan_out: int = 10) -> bytes:
    """An SVG of about a kilobyte whose nested <use> references expand to fan_out ** depth shapes."""
    levels = ['<g id="l0"><rect width="1" height="1"/></g>']
    for level in range(1, depth + 1):
        uses = "".join(f'<use xlink:href="#l{level - 1}" x="{n}"/>' for n in range(fan_out))
        levels.append(f'<g id="l{level}">{uses}</g>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100">'
        f'<defs>{"".join(levels)}</defs><use xlink:href="#l{depth}"/></svg>'
    ).encode()
