"""What the models learnt from the labelled calls weigh, and why they read a call as they do.

    manage.py risk_model                  the examples learnt from, and the heaviest n-grams
    manage.py risk_model --top 50         more of them
    manage.py risk_model --explain TEXT   how a narrative reads, with the words cited

A force changes what is learnt by adding or relabelling lines in `cad/calls/risk_examples/`
or in its own directory (`CAD_RISK_EXAMPLES`); this command shows the effect.
"""

from django.core.management.base import BaseCommand, CommandError

from cad.calls import risk_model


class Command(BaseCommand):
    help = "Show what the risk models learnt from the labelled calls, or explain one narrative."

    def add_arguments(self, parser):
        parser.add_argument("--top", type=int, default=25, help="n-grams shown each way")
        parser.add_argument("--explain", metavar="TEXT", help="a narrative to read")

    def handle(self, *args, top, explain, **options):
        if top < 1:
            raise CommandError("--top must be at least 1")
        try:
            model = risk_model.model()
        except ValueError as error:
            raise CommandError(str(error)) from error
        if model is None:
            raise CommandError("the risk models are switched off (CAD_RISK_MODEL=0)")
        if explain is not None:
            self._explain(model, explain)
            return
        self.stdout.write(f"learnt from {model.examples} labelled narratives in:")
        for path in risk_model.example_paths():
            self.stdout.write(f"  {path}")
        for question, threshold in risk_model.THRESHOLDS.items():
            weights = model.weights(question, top)
            self.stdout.write(f"\n{question} (raised at {threshold:.0%} alike)")
            self.stdout.write("  towards: " + ", ".join(f"{n} {w:+.2f}" for n, w in weights[:top]))
            self.stdout.write("  away:    " + ", ".join(f"{n} {w:+.2f}" for n, w in weights[top:]))

    def _explain(self, model, text):
        chances = model.probabilities([text])
        reading = model.read(text)
        for question, threshold in risk_model.THRESHOLDS.items():
            found = getattr(reading, question)
            verdict = f"raised: {found.evidence()}" if found else "not raised"
            self.stdout.write(
                f"{question}: {chances[question][0]:.0%} alike "
                f"(raised at {threshold:.0%}) — {verdict}"
            )
