/* Elements that stick out of the viewport sideways, leaving out what sits inside a box that scrolls or clips
   (a code block's long line scrolls inside its <pre>; visually hidden text is clipped on purpose). */
() => {
  const vw = document.documentElement.clientWidth, out = [];
  const contained = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)) return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).position === 'fixed') continue;
    if ((r.right > vw + 1 || r.left < -1) && !contained(el)) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} (${Math.round(r.left)}..${Math.round(r.right)})`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, viewport: vw, wide: out.slice(0, 20)};
}
