/* The architecture diagram's link labels against every link's line and arrowhead, the boxes and each other, and
   each box's text inside its box, in the SVG's own units (getBBox). Returns a list of problems (empty: none). */
() => {
  const svg = document.querySelector('.lc-arch-svg');
  if (!svg) return ['no diagram on the page'];
  const out = [];
  const ARROW = 12, HALF = 6.5;  // the arrowhead marker: 12 user units long, 12 wide (templates/learning/panels.html)
  const hit = (b, px, py, r) => {
    const dx = Math.max(b.x - px, 0, px - (b.x + b.width)), dy = Math.max(b.y - py, 0, py - (b.y + b.height));
    return dx * dx + dy * dy < r * r;
  };
  const meets = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  const labels = [...svg.querySelectorAll('g.lc-link')].map(g => ({key: g.dataset.link, box: g.querySelector('text').getBBox()}));
  for (const label of labels) {
    for (const g of svg.querySelectorAll('g.lc-link')) {
      const path = g.querySelector('path'), length = path.getTotalLength();
      const half = parseFloat(path.getAttribute('stroke-width')) / 2 + 0.5;
      for (let s = 0; s <= length; s += 1) {
        const p = path.getPointAtLength(s);
        if (hit(label.box, p.x, p.y, length - s <= ARROW ? HALF : half)) {
          out.push(`label of ${label.key} overlaps the ${length - s <= ARROW ? 'arrowhead' : 'line'} of ${g.dataset.link}`);
          break;
        }
      }
    }
    for (const rect of svg.querySelectorAll('g.lc-box > rect:first-child')) {
      if (meets(label.box, rect.getBBox())) out.push(`label of ${label.key} overlaps box ${rect.parentNode.dataset.box}`);
    }
    for (const other of labels) {
      if (other.key < label.key && meets(label.box, other.box)) out.push(`labels of ${label.key} and ${other.key} overlap`);
    }
    const vb = svg.viewBox.baseVal;
    if (label.box.x < 0 || label.box.y < 0 || label.box.x + label.box.width > vb.width || label.box.y + label.box.height > vb.height)
      out.push(`label of ${label.key} is cut off by the picture's edge`);
  }
  for (const g of svg.querySelectorAll('g.lc-box')) {
    const r = g.querySelector('rect').getBBox();
    for (const text of g.querySelectorAll(':scope > text')) {
      const b = text.getBBox();
      if (text.getAttribute('text-anchor') === 'middle') continue;  // the zone chips, centred in their own pill
      if (b.x + b.width > r.x + r.width - 2) out.push(`text "${text.textContent}" runs out of box ${g.dataset.box}`);
    }
  }
  return out;
}
