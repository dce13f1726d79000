from django import forms
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

import zoo_model


class GenerateForm(forms.Form):
    prompt = forms.CharField(max_length=4000)
    max_length = forms.IntegerField(min_value=1, max_value=1024, required=False)


@csrf_exempt
@require_POST
def generate(request):
    form = GenerateForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    text = zoo_model.generate(form.cleaned_data["prompt"], form.cleaned_data["max_length"] or 100)
    return JsonResponse({"generated_text": text})
