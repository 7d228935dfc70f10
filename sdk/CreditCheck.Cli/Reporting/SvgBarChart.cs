using System.Globalization;
using System.Net;
using System.Text;

namespace CreditCheck.Cli.Reporting;

/// <summary>A horizontal bar chart as inline SVG (no script, no external resource): one row per label,
/// the series side by side (grouped) or end to end (stacked), a legend, grid lines and the values.</summary>
internal static class SvgBarChart
{
    private const int Width = 920; // the page's text width; narrower windows scale it down
    private const int LabelWidth = 200;
    private const int ValueSpace = 56;
    private const int LegendHeight = 28;
    private const int AxisHeight = 24;
    private const int BarHeight = 12;
    private const int StackedBarHeight = 18;
    private const int RowGap = 12;

    public sealed record Series(string Name, string Color);

    public sealed record Row(string Label, IReadOnlyList<int> Values);

    public static string Render(string title, IReadOnlyList<Series> series, IReadOnlyList<Row> rows, bool stacked)
    {
        var plotWidth = Width - LabelWidth - ValueSpace;
        var rowHeight = stacked ? StackedBarHeight : (series.Count * (BarHeight + 2)) - 2;
        var height = LegendHeight + (rows.Count * (rowHeight + RowGap)) + AxisHeight;
        var max = rows.Count == 0 ? 0 : rows.Max(r => stacked ? r.Values.Sum() : r.Values.DefaultIfEmpty(0).Max());
        var (axisMax, step) = Axis(max);
        double X(int value) => LabelWidth + (plotWidth * (double)value / axisMax);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {height}\" width=\"{Width}\" height=\"{height}\" role=\"img\" aria-label=\"{Encode(title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Encode(title)}</title>");

        // Legend.
        var legendX = LabelWidth;
        foreach (var s in series)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{legendX}\" y=\"6\" width=\"12\" height=\"12\" rx=\"2\" fill=\"{s.Color}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{legendX + 17}\" y=\"16\" class=\"legend\">{Encode(s.Name)}</text>");
            legendX += 30 + (int)TextWidth(s.Name, 12);
        }

        // Grid lines and their values.
        var plotTop = LegendHeight;
        var plotBottom = height - AxisHeight;
        for (var tick = 0; tick <= axisMax; tick += step)
        {
            var x = X(tick);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" y1=\"{plotTop}\" x2=\"{x:0.#}\" y2=\"{plotBottom}\" class=\"{(tick == 0 ? "axis" : "grid")}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{plotBottom + 16}\" class=\"tick\">{tick}</text>");
        }

        var y = plotTop + (RowGap / 2);
        foreach (var row in rows)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth - 8}\" y=\"{y + (rowHeight / 2) + 4}\" class=\"label\"><title>{Encode(row.Label)}</title>{Encode(Shorten(row.Label, LabelWidth - 16))}</text>");
            if (stacked)
            {
                var start = 0;
                for (var i = 0; i < series.Count; i++)
                {
                    var value = row.Values[i];
                    if (value > 0)
                    {
                        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{X(start):0.#}\" y=\"{y}\" width=\"{X(start + value) - X(start):0.#}\" height=\"{rowHeight}\" fill=\"{series[i].Color}\"><title>{Encode(row.Label)} · {Encode(series[i].Name)}：{value}</title></rect>");
                    }

                    start += value;
                }

                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(start) + 6:0.#}\" y=\"{y + (rowHeight / 2) + 4}\" class=\"value\">{start}</text>");
            }
            else
            {
                for (var i = 0; i < series.Count; i++)
                {
                    var value = row.Values[i];
                    var barY = y + (i * (BarHeight + 2));
                    if (value > 0)
                    {
                        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{LabelWidth}\" y=\"{barY}\" width=\"{X(value) - LabelWidth:0.#}\" height=\"{BarHeight}\" rx=\"2\" fill=\"{series[i].Color}\"><title>{Encode(row.Label)} · {Encode(series[i].Name)}：{value}</title></rect>");
                    }

                    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(value) + 5:0.#}\" y=\"{barY + BarHeight - 2}\" class=\"value\">{value}</text>");
                }
            }

            y += rowHeight + RowGap;
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>An axis end and grid step from 1, 2, 5 × 10ⁿ, with at most five steps.</summary>
    private static (int Max, int Step) Axis(int max)
    {
        if (max <= 0)
        {
            return (1, 1);
        }

        var step = 1;
        for (var magnitude = 1; ; magnitude *= 10)
        {
            foreach (var factor in (int[])[1, 2, 5])
            {
                step = factor * magnitude;
                if ((max + step - 1) / step <= 5)
                {
                    return ((max + step - 1) / step * step, step);
                }
            }
        }
    }

    // Wide (CJK) characters take about a font size, others about half of it.
    private static double TextWidth(string text, double fontSize) =>
        text.Sum(c => c > 0x2E80 ? fontSize : fontSize * 0.55);

    private static string Shorten(string text, double width)
    {
        if (TextWidth(text, 13) <= width)
        {
            return text;
        }

        var end = text.Length;
        while (end > 1 && TextWidth(text[..end], 13) + 13 > width)
        {
            end--;
        }

        return text[..end] + "…";
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
