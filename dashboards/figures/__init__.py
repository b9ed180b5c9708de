"""Pure functions from DataFrames to Plotly figures, one module per page."""

from dashboards.figures.common import GROUP_COLOURS, empty_figure, graph_config
from dashboards.figures.overview import responses_over_time

__all__ = ["GROUP_COLOURS", "empty_figure", "graph_config", "responses_over_time"]
