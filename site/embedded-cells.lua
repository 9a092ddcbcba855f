-- The executed notebook is where a page's tables and charts come from, not something
-- readers open: drop the wrapper Quarto puts around each embedded cell. It carries the
-- notebook's absolute path (the build's staging folder) into the HTML.
function Div(div)
  if div.classes:includes("quarto-embed-nb-cell") then
    return div.content
  end
end
