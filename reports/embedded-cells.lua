-- Runs before Quarto reads the page (at: pre-ast in _quarto.yml).
--
-- The executed notebook is where a page's tables and charts come from, not something
-- readers open: drop the wrapper Quarto puts around each embedded cell, which carries the
-- notebook's absolute path (the build's staging folder) into the HTML. Drop the cells'
-- execution counts and tags too: they say nothing to a reader, and Quarto writes a
-- float's attributes in an order that differs between two renders.
local DROPPED = { "execution_count", "tags" }

function Div(div)
  if div.classes:includes("quarto-embed-nb-cell") then
    return div.content
  end
  for _, name in ipairs(DROPPED) do
    div.attributes[name] = nil
  end
  return div
end
