/* TRS WCM pager: the static HTML carries only the page count; this writes the links. */
function createPageHTML(count, current, name, ext) {
  if (count <= 1) return;
  var link = function (n, text) {
    return '<a href="' + (n == 0 ? name + "." + ext : name + "_" + n + "." + ext) + '">' + text + "</a> ";
  };
  var html = link(0, "首页");
  if (current > 0) html += link(current - 1, "上一页");
  if (current < count - 1) html += link(current + 1, "下一页");
  html += link(count - 1, "尾页");
  document.write(html);
}
