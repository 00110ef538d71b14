"""Permission scenarios: who grants overflight and landing to whom, and when.

A scenario is a YAML file (format and rules of precedence in ``SCENARIOS.md`` beside this
module; JSON Schema from :func:`json_schema`). Six are built in, from real events
(:func:`list_scenarios`). Resolving a scenario for one flight gives the states to avoid:

>>> from overflight.scenarios import load_scenario
>>> syria = load_scenario("syria-2015")
>>> permissions = syria.resolve()          # Russian state aircraft, 15 September 2015
>>> [c for c in ("BG", "GR", "IR", "IQ", "TR", "UA") if not permissions.may_overfly(c)]
['BG', 'GR', 'TR', 'UA']
>>> permissions.reasons["BG"]
'rules[6]: Bulgaria refuses Russian military transports bound for Syria'
>>> permissions.may_land("IR"), permissions.may_land("TR")
(True, False)

Rules apply in order and, for each state, the last rule that concerns the flight decides;
``deny``/``allow`` given by the caller (``--deny``/``--allow``) go on top:

>>> what_if = syria.resolve(deny=["IRN"], allow=["GR"])
>>> what_if.may_overfly("IR"), what_if.may_overfly("GR")
(False, True)
"""

from overflight.scenarios._avoid import (
    AvoidArea,
    BandedAirspace,
    airspace_area,
    avoid_area,
    read_avoid_file,
)
from overflight.scenarios._categories import CATEGORIES
from overflight.scenarios._common import Source, Window
from overflight.scenarios._groups import Group, group_members, groups
from overflight.scenarios._load import ScenarioInfo, list_scenarios, load_scenario, parse_scenario
from overflight.scenarios._permissions import Permissions
from overflight.scenarios._rules import Defaults, Operator, Rule
from overflight.scenarios._scenario import Scenario
from overflight.scenarios._schema import json_schema, write_json_schema
from overflight.scenarios._straits import Strait, straits, straits_used, transit_corridors

__all__ = [
    "CATEGORIES",
    "AvoidArea",
    "BandedAirspace",
    "Defaults",
    "Group",
    "Operator",
    "Permissions",
    "Rule",
    "Scenario",
    "ScenarioInfo",
    "Source",
    "Strait",
    "Window",
    "airspace_area",
    "avoid_area",
    "group_members",
    "groups",
    "json_schema",
    "list_scenarios",
    "load_scenario",
    "parse_scenario",
    "read_avoid_file",
    "straits",
    "straits_used",
    "transit_corridors",
    "write_json_schema",
]
